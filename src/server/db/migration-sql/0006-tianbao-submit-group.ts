/**
 * PostgreSQL's store step for a whole group of submissions at once (migrations 0005, 0006), set-based:
 * four statements for the group instead of nine per submission. Its steps and answers are those
 * of sqliteStoreStep and of tianbao_submit, job by job in the group's order:
 *
 * 1. claim each key not answered before (the first job of a key in the group claims it);
 * 2. lock the reports the group writes, in one order (an advisory lock each, then their head
 *    rows), so two groups (of this process or another) never wait for each other in a circle, also
 *    for a report whose head row appears meanwhile, and a review committing meanwhile is waited
 *    for and seen by the next statement;
 * 3. decide each claiming job (refusal, lock, accepted, errors, else the report's next versions in
 *    the group's order), store the submissions and audit lines, write the answers;
 * 4. answer every job from its key's row: a replay (of an earlier request or of a job earlier in
 *    the group) gets the first answer, or idempotency-mismatch when its body differs.
 *
 * Any error aborts the whole group (the statement is its own transaction); the caller then stores
 * each job alone with tianbao_submit, which isolates a job that cannot be stored.
 */
// tianbao_submit_group as migration 0006 shipped it: the answers written key by key and read back by index probes.
// A migration runs the SQL it shipped with, never a later text: change it only in a new migration.
export const TIANBAO_SUBMIT_GROUP_0006 = `
CREATE OR REPLACE FUNCTION tianbao_submit_group(
  p_unit text[], p_key text[], p_hash text[], p_created_at text[], p_token_id text[],
  p_remote_addr text[], p_refusal_status int[], p_refusal text[],
  p_chain text[], p_template text[], p_template_version int[], p_period text[], p_due_at text[],
  p_id text[], p_document text[], p_issues text[], p_invalid_status int[], p_invalid text[],
  p_receipt_head text[], p_audit_id text[], p_audit_at text[],
  p_explained int[], p_explanation_audits text[]
) RETURNS TABLE (out_status int, out_response text) LANGUAGE plpgsql AS $fn$
DECLARE
  v_claimed bigint[];
  v_report record;
  v_units text[];
  v_keys text[];
  v_statuses int[];
  v_responses text[];
BEGIN
  WITH j AS (
    SELECT * FROM unnest(p_unit, p_key, p_hash, p_created_at)
      WITH ORDINALITY AS j(unit, key, hash, created_at, n)
  ), f AS (
    SELECT DISTINCT ON (j.unit, j.key) j.* FROM j ORDER BY j.unit, j.key, j.n
  ), ins AS (
    INSERT INTO idempotency (unit, key, request_hash, status_code, response, created_at)
    SELECT f.unit, f.key, f.hash, 0, '', f.created_at FROM f ORDER BY f.unit, f.key
    ON CONFLICT (unit, key) DO NOTHING
    RETURNING unit, key
  )
  SELECT array_agg(f.n) INTO v_claimed FROM f JOIN ins ON ins.unit = f.unit AND ins.key = f.key;

  -- A report whose head row does not exist yet has no row to lock: every report the group may
  -- write is first taken as an advisory lock, in one order, so the upsert below never takes a
  -- head another group holds while that group waits for one of ours. Its head row, when there is
  -- one, is locked next, so a review committing meanwhile is waited for and seen below.
  FOR v_report IN
    SELECT DISTINCT r.lock_key, r.unit, r.template, r.period
    FROM (SELECT hashtextextended(j.unit || '/' || j.template || '/' || j.period, 0) AS lock_key,
            j.unit, j.template, j.period
          FROM unnest(p_unit, p_template, p_period, p_refusal_status)
            WITH ORDINALITY AS j(unit, template, period, refusal_status, n)
          WHERE j.n = ANY (v_claimed) AND j.refusal_status IS NULL) r
    ORDER BY r.lock_key, r.unit, r.template, r.period
  LOOP
    PERFORM pg_advisory_xact_lock(v_report.lock_key);
    PERFORM 1 FROM report_heads h
    WHERE h.unit = v_report.unit AND h.template = v_report.template AND h.period = v_report.period
    FOR UPDATE;
  END LOOP;

  WITH j AS (
    SELECT * FROM unnest(p_unit, p_key, p_hash, p_created_at, p_token_id, p_remote_addr,
      p_refusal_status, p_refusal, p_chain, p_template, p_template_version, p_period, p_due_at,
      p_id, p_document, p_issues, p_invalid_status, p_invalid, p_receipt_head, p_audit_id,
      p_audit_at, p_explained, p_explanation_audits)
      WITH ORDINALITY AS j(unit, key, hash, created_at, token_id, remote_addr, refusal_status,
        refusal, chain, template, template_version, period, due_at, id, document, issues,
        invalid_status, invalid, receipt_head, audit_id, audit_at, explained, explanation_audits, n)
    WHERE j.n = ANY (v_claimed)
  ), d AS (
    SELECT j.*,
      CASE WHEN j.refusal_status IS NULL THEN
        (SELECT l.unit FROM locks l
         WHERE l.template = j.template AND l.period = j.period
           AND l.unit IN (SELECT json_array_elements_text(j.chain::json)) LIMIT 1)
      END AS lock_unit,
      CASE WHEN j.refusal_status IS NULL THEN
        (SELECT r.version FROM reviews r JOIN report_heads h
           ON h.unit = r.unit AND h.template = r.template AND h.period = r.period
         WHERE r.unit = j.unit AND r.template = j.template AND r.period = j.period
           AND r.state = 'accepted' AND r.version = h.last_version)
      END AS accepted
    FROM j
  ), c AS (
    SELECT d.n, d.unit, d.template, d.period, d.due_at,
      row_number() OVER w AS rank,
      count(*) OVER (PARTITION BY d.unit, d.template, d.period) AS cnt,
      first_value(d.created_at) OVER w AS first_at
    FROM d
    WHERE d.refusal_status IS NULL AND d.lock_unit IS NULL AND d.accepted IS NULL
      AND d.invalid_status IS NULL
    WINDOW w AS (PARTITION BY d.unit, d.template, d.period ORDER BY d.n)
  ), h AS (
    INSERT INTO report_heads AS h (unit, template, period, last_version, first_received_at)
    SELECT DISTINCT ON (c.unit, c.template, c.period) c.unit, c.template, c.period, c.cnt, c.first_at
    FROM c ORDER BY c.unit, c.template, c.period, c.n
    ON CONFLICT (unit, template, period) DO UPDATE SET last_version = h.last_version + EXCLUDED.last_version
    RETURNING h.unit, h.template, h.period, h.last_version, h.first_received_at
  ), v AS (
    SELECT c.n, (h.last_version - c.cnt + c.rank)::int AS version,
      -- ISO instants compare as byte strings, whatever the database's collation.
      h.first_received_at COLLATE "C" < c.due_at COLLATE "C" AS on_time
    FROM c JOIN h ON h.unit = c.unit AND h.template = c.template AND h.period = c.period
  ), s AS (
    INSERT INTO submissions (id, unit, template, template_version, period, version, received_at,
      on_time, document, issues, token_id, remote_addr, explained)
    SELECT d.id, d.unit, d.template, d.template_version, d.period, v.version, d.created_at,
      CASE WHEN v.on_time THEN 1 ELSE 0 END, d.document, d.issues, d.token_id, d.remote_addr,
      d.explained
    FROM d JOIN v ON v.n = d.n ORDER BY d.n
  ), a AS (
    INSERT INTO audit (id, at, token_id, unit, remote_addr, action, detail)
    SELECT d.audit_id, d.audit_at, d.token_id, d.unit, d.remote_addr, 'submission.accepted',
      '{"id":' || to_json(d.id)::text || ',"by":' || to_json(d.unit)::text
      || ',"template":' || to_json(d.template)::text || ',"period":' || to_json(d.period)::text
      || ',"version":' || v.version || '}'
    FROM d JOIN v ON v.n = d.n
    UNION ALL
    SELECT e->>'id', d.audit_at, d.token_id, d.unit, d.remote_addr, 'submission.explanation',
      ((e->'detail') || jsonb_build_object('version', v.version))::text
    FROM d JOIN v ON v.n = d.n CROSS JOIN LATERAL jsonb_array_elements(d.explanation_audits::jsonb) AS e
    WHERE d.explained > 0
  ), an AS (
    SELECT d.unit, d.key,
      CASE WHEN d.refusal_status IS NOT NULL THEN d.refusal_status
           WHEN d.lock_unit IS NOT NULL OR d.accepted IS NOT NULL THEN 409
           WHEN d.invalid_status IS NOT NULL THEN d.invalid_status
           ELSE 201 END AS status,
      CASE WHEN d.refusal_status IS NOT NULL THEN d.refusal
           WHEN d.lock_unit IS NOT NULL THEN '{"error":"locked","detail":'
             || to_json(d.template || ' ' || d.period || ' is locked by ' || d.lock_unit)::text || '}'
           WHEN d.accepted IS NOT NULL THEN '{"error":"accepted","version":' || d.accepted
             || ',"message":"已审核，如需修改请联系上级退回"}'
           WHEN d.invalid_status IS NOT NULL THEN d.invalid
           ELSE d.receipt_head || ',"version":' || v.version || ',"onTime":'
             || CASE WHEN v.on_time THEN 'true' ELSE 'false' END || '}'
      END AS response
    FROM d LEFT JOIN v ON v.n = d.n
  )
  SELECT array_agg(an.unit), array_agg(an.key), array_agg(an.status), array_agg(an.response)
  INTO v_units, v_keys, v_statuses, v_responses FROM an;

  -- The answers are written key by key and read back through a LIMIT 1 subquery, each an index
  -- probe whatever the statistics say. plpgsql keeps a statement's plan for the session: a join
  -- of the idempotency table planned while it was small (a new database, before its first
  -- ANALYZE) stays a scan of the whole table, every group a little slower as the table grows.
  FOR v_n IN 1 .. coalesce(array_length(v_keys, 1), 0) LOOP
    UPDATE idempotency SET status_code = v_statuses[v_n], response = v_responses[v_n]
    WHERE unit = v_units[v_n] AND key = v_keys[v_n];
  END LOOP;

  RETURN QUERY
  SELECT
    CASE WHEN i.request_hash <> j.hash THEN 422 WHEN i.status_code = 0 THEN 409
         ELSE i.status_code END,
    CASE WHEN i.request_hash <> j.hash THEN '{"error":"idempotency-mismatch"}'
         WHEN i.status_code = 0 THEN '{"error":"in-flight"}'
         ELSE i.response END
  FROM unnest(p_unit, p_key, p_hash) WITH ORDINALITY AS j(unit, key, hash, n)
  CROSS JOIN LATERAL (
    SELECT k.request_hash, k.status_code, k.response FROM idempotency k
    WHERE k.unit = j.unit AND k.key = j.key LIMIT 1
  ) i
  ORDER BY j.n;
END
$fn$`;
