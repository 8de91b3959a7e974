// tianbao_submit as migration 0004 shipped it: one submission stored in one call.
// A migration runs the SQL it shipped with, never a later text: change it only in a new migration.
export const TIANBAO_SUBMIT_0004 = `
CREATE OR REPLACE FUNCTION tianbao_submit(
  p_unit text, p_key text, p_hash text, p_created_at text, p_token_id text, p_remote_addr text,
  p_refusal_status int, p_refusal text,
  p_chain text[], p_template text, p_template_version int, p_period text, p_due_at text,
  p_id text, p_document text, p_issues text, p_invalid_status int, p_invalid text,
  p_receipt_head text, p_audit_id text, p_audit_at text,
  p_explained int, p_explanation_audits text
) RETURNS TABLE (out_status int, out_response text) LANGUAGE plpgsql AS $fn$
DECLARE
  v_prior record;
  v_lock text;
  v_accepted int;
  v_version int;
  v_first text;
  v_on_time boolean;
  v_status int;
  v_response text;
BEGIN
  -- Any error rolls back this submission alone (the block is a subtransaction) and is answered
  -- -1, so the caller can store the others of its group and try this one again by itself.
  BEGIN
  INSERT INTO idempotency (unit, key, request_hash, status_code, response, created_at)
  VALUES (p_unit, p_key, p_hash, 0, '', p_created_at)
  ON CONFLICT (unit, key) DO NOTHING;
  IF NOT FOUND THEN
    SELECT i.request_hash, i.status_code, i.response INTO v_prior
    FROM idempotency i WHERE i.unit = p_unit AND i.key = p_key;
    IF v_prior.request_hash <> p_hash THEN
      RETURN QUERY SELECT 422, '{"error":"idempotency-mismatch"}'::text; RETURN;
    END IF;
    IF v_prior.status_code = 0 THEN
      RETURN QUERY SELECT 409, '{"error":"in-flight"}'::text; RETURN;
    END IF;
    RETURN QUERY SELECT v_prior.status_code, v_prior.response; RETURN;
  END IF;

  IF p_refusal_status IS NOT NULL THEN
    v_status := p_refusal_status; v_response := p_refusal;
  ELSE
    SELECT l.unit INTO v_lock FROM locks l
    WHERE l.unit = ANY (p_chain) AND l.template = p_template AND l.period = p_period LIMIT 1;
    IF v_lock IS NULL THEN
      -- The head row is taken first, so a review committing meanwhile is waited for and seen.
      PERFORM 1 FROM report_heads h
      WHERE h.unit = p_unit AND h.template = p_template AND h.period = p_period FOR UPDATE;
      SELECT r.version INTO v_accepted FROM reviews r JOIN report_heads h
        ON h.unit = r.unit AND h.template = r.template AND h.period = r.period
      WHERE r.unit = p_unit AND r.template = p_template AND r.period = p_period
        AND r.state = 'accepted' AND r.version = h.last_version;
    END IF;
    IF v_lock IS NOT NULL THEN
      v_status := 409;
      v_response := '{"error":"locked","detail":'
        || to_json(p_template || ' ' || p_period || ' is locked by ' || v_lock)::text || '}';
    ELSIF v_accepted IS NOT NULL THEN
      v_status := 409;
      v_response := '{"error":"accepted","version":' || v_accepted
        || ',"message":"已审核，如需修改请联系上级退回"}';
    ELSIF p_invalid_status IS NOT NULL THEN
      v_status := p_invalid_status; v_response := p_invalid;
    ELSE
      INSERT INTO report_heads AS h (unit, template, period, last_version, first_received_at)
      VALUES (p_unit, p_template, p_period, 1, p_created_at)
      ON CONFLICT (unit, template, period) DO UPDATE SET last_version = h.last_version + 1
      RETURNING h.last_version, h.first_received_at INTO v_version, v_first;
      -- ISO instants compare as byte strings, whatever the database's collation.
      v_on_time := v_first COLLATE "C" < p_due_at COLLATE "C";
      INSERT INTO submissions (id, unit, template, template_version, period, version, received_at,
        on_time, document, issues, token_id, remote_addr, explained)
      VALUES (p_id, p_unit, p_template, p_template_version, p_period, v_version, p_created_at,
        CASE WHEN v_on_time THEN 1 ELSE 0 END, p_document, p_issues, p_token_id, p_remote_addr,
        p_explained);
      INSERT INTO audit (id, at, token_id, unit, remote_addr, action, detail)
      VALUES (p_audit_id, p_audit_at, p_token_id, p_unit, p_remote_addr, 'submission.accepted',
        '{"id":' || to_json(p_id)::text || ',"by":' || to_json(p_unit)::text || ',"template":' || to_json(p_template)::text
        || ',"period":' || to_json(p_period)::text || ',"version":' || v_version || '}');
      INSERT INTO audit (id, at, token_id, unit, remote_addr, action, detail)
      SELECT e->>'id', p_audit_at, p_token_id, p_unit, p_remote_addr, 'submission.explanation',
        ((e->'detail') || jsonb_build_object('version', v_version))::text
      FROM jsonb_array_elements(p_explanation_audits::jsonb) AS e;
      v_status := 201;
      v_response := p_receipt_head || ',"version":' || v_version || ',"onTime":'
        || CASE WHEN v_on_time THEN 'true' ELSE 'false' END || '}';
    END IF;
  END IF;
  UPDATE idempotency SET status_code = v_status, response = v_response
  WHERE unit = p_unit AND key = p_key;
  RETURN QUERY SELECT v_status, v_response;
  EXCEPTION WHEN OTHERS THEN
    RETURN QUERY SELECT -1, SQLERRM;
  END;
END
$fn$`;
