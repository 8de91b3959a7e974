import { unitInput as unit, type UnitInput } from "./units";

/** The demo registry `npm start` loads into an empty database: one fictional county, every tier. */
export const DEMO_UNITS: UnitInput[] = [
  unit("DEMO-CTY", "示例县卫生健康局", "bureau", null),
  unit("DEMO-D1", "党建办", "department", "DEMO-CTY"),
  unit("DEMO-D2", "医政体改和中医股", "department", "DEMO-CTY"),
  unit("DEMO-H01", "示例县人民医院", "hospital", "DEMO-CTY", "public", "3"),
  unit("DEMO-H02", "示例县中医医院", "hospital", "DEMO-CTY", "public", "2"),
  unit("DEMO-H03", "示例县妇幼保健院", "hospital", "DEMO-CTY", "public", "2"),
  unit("DEMO-H04", "城关镇卫生院", "hospital", "DEMO-CTY", "public", "1"),
  unit("DEMO-H05", "东山乡卫生院", "hospital", "DEMO-CTY", "public", "1"),
  unit("DEMO-H06", "西岭镇卫生院", "hospital", "DEMO-CTY", "public", "1"),
  unit("DEMO-H07", "仁和医院", "hospital", "DEMO-CTY", "private", "3"),
  unit("DEMO-H08", "康宁医院", "hospital", "DEMO-CTY", "private", "2"),
  unit("DEMO-H09", "华康骨科医院", "hospital", "DEMO-CTY", "private", "2"),
  unit("DEMO-H10", "益民诊所", "hospital", "DEMO-CTY", "private", "1"),
  unit("DEMO-H11", "安泰门诊部", "hospital", "DEMO-CTY", "private", "1"),
  unit("DEMO-H12", "示例县口腔医院", "hospital", "DEMO-CTY", "private", "1"),
];

/** The demo reporter is the grade-2 public hospital; the collector is the county bureau. */
export const DEMO_REPORTER = "DEMO-H02";
export const DEMO_COLLECTOR = "DEMO-CTY";
