"""UI strings of the Data page (数据): loads, registers, uploads, the rebuild and coordinate
systems; key -> (中文, English).

Merged into :data:`ui.i18n.TEXT`; keys here must not repeat keys of ``ui/i18n.py`` or the
other ``ui/i18n_*.py`` tables (all of them start with ``dp.`` or ``crs.``).
"""

DATA_PAGE_TEXT: dict[str, tuple[str, str]] = {
    # data page
    "dp.loads": ("已导入的登记表", "Registers loaded"),
    "dp.no_loads": ("尚未导入任何登记表。", "Nothing has been loaded yet."),
    "dp.rejects": ("被拒绝的行及原因", "Rejected rows and why"),
    "dp.rejects_help": ("原始值按原样以纯文本显示。", "Raw values are shown as plain text, as read."),
    "dp.load_filter": ("导入批次", "Load"),
    "dp.all_loads": ("全部批次", "All loads"),
    "dp.load_label": ("第 {id} 批：{file}", "Load {id}: {file}"),
    "dp.no_rejects": ("没有被拒绝的行：所选批次的每一行都已导入。",
                      "No rejected rows: every row of the selected load(s) was loaded."),
    "dp.rejects_count": ("共 {n} 行被拒绝。", "{n} rows rejected."),
    "dp.templates": ("空白登记表模板", "Blank register templates"),
    "dp.kind": ("登记表类型", "Register kind"),
    "dp.fields": ("可识别的列名（表头写任一种写法即可）", "Accepted column names (any one spelling will do)"),
    "dp.field": ("字段", "Field"),
    "dp.field_label": ("含义", "Meaning"),
    "dp.aliases": ("可用的表头写法", "Accepted headers"),
    "dp.template_csv": ("下载模板 CSV", "Download template (CSV)"),
    "dp.template_xlsx": ("下载模板 XLSX", "Download template (XLSX)"),
    "dp.how": ("如何导入文件", "How to load a file"),
    "dp.how_text": (
        "由管理员在服务器上的项目目录中运行下面的命令。--kind 为登记表类型；坐标为高德/腾讯（GCJ-02）时加 "
        "--crs gcj02，百度坐标加 --crs bd09；表头无法自动识别时用 --map 源列=字段 指定。"
        "先用 validate 代替 load 可只检查不导入。",
        "An administrator runs the command below in the project folder on the server. --kind is the "
        "register kind; add --crs gcj02 for Amap/Tencent (GCJ-02) coordinates or --crs bd09 for "
        "Baidu; use --map 源列=field when a header is not recognised. Use validate instead of load "
        "to check a file without loading it."),
    "dp.brief_title": ("开江县数据导入情况", "Kaijiang County: data loads"),
    # data page: changes by an admin (upload, rebuild)
    "dp.admin": ("在应用内导入与重建（管理员）", "Load and rebuild in the app (admin)"),
    "dp.upload": ("上传登记表", "Upload a register"),
    "dp.up_file": ("登记表文件（CSV、XLSX、GeoJSON；路网另可用 .osm.pbf、.osm、.gpkg、压缩的 Shapefile）",
                   "Register file (CSV, XLSX, GeoJSON; for roads also .osm.pbf, .osm, .gpkg or a "
                   "zipped Shapefile)"),
    # roads register (etl.road_store) uploaded on the Data page
    "kind.roads": ("路网（道路）", "Roads"),
    "dp.up_roads_options": ("路网登记表不使用“设施类型”“范围”和“列对应”：请清空后再试（道路等级、限速、"
                            "单向列按列名自动识别）。",
                            "A roads register takes no facility type, scope or column mapping: "
                            "clear them and try again (class, speed and one-way columns are "
                            "found by their names)."),
    "dp.up_roads_year": ("导入路网需要年份（如道路数据的现状年份）。",
                         "Loading roads needs the year (e.g. the year the road data shows)."),
    "dp.roads.what": ("道路 {n} 段", "{n} road segments"),
    "dp.roads.replaces_nothing": ("此前没有在用的路网：导入后各页改用沿道路的出行时间",
                                  "no road network in use so far: every page will use travel "
                                  "times along the roads"),
    "dp.roads.heading": ("路网概况", "The road network"),
    "dp.roads.ways": ("道路（条）", "Roads (ways)"),
    "dp.roads.nodes": ("节点", "Nodes"),
    "dp.roads.segments": ("路段", "Segments"),
    "dp.roads.km": ("总长（km）", "Length (km)"),
    "dp.roads.class": ("道路等级", "Road class"),
    "dp.roads.class_km": ("长度（km）", "Length (km)"),
    "dp.roads.connectivity": ("连通性：最大连通部分占总长 {share}，另有 {pieces} 个部分与其不连通"
                              "（不连通部分上的村与设施之间沿道路无法到达）。",
                              "Connectivity: the largest connected piece holds {share} of the "
                              "length; {pieces} pieces are not connected to it (villages and "
                              "facilities on those cannot be reached along roads from the rest)."),
    "dp.roads.outside": ("县界外 {km:g} km 以外的路段 {n} 段已舍去。",
                         "{n} segments beyond the county boundary + {km:g} km dropped."),
    "dp.up_kind": ("登记表类型", "Register kind"),
    "dp.up_crs": ("坐标系", "Coordinate system"),
    "dp.up_map": ("列对应（可选，每行一个：源列=字段）", "Column mapping (optional, one per line: source=field)"),
    "dp.up_map_help": ("表头无法自动识别时使用，如“学校全称=name”；字段名见上方“可识别的列名”。",
                       "For headers that are not recognised, e.g. 学校全称=name; field names are "
                       "listed under “Accepted column names” above."),
    "dp.up_validate": ("只检查", "Validate only"),
    "dp.up_load": ("导入", "Load"),
    "dp.up_need_file": ("请先选择文件。", "Choose a file first."),
    "dp.up_bad_map": ("列对应写法有误（{line}）：每行写“源列=字段”，字段须为该类型可用的字段。",
                      "The column mapping is wrong ({line}): write source=field per line, with a "
                      "field of this register kind."),
    "dp.up_running": ("正在处理 {file}…", "Processing {file}…"),
    "dp.up_step_save": ("保存上传的文件", "Saving the uploaded file"),
    "dp.up_step_read": ("读取、校验并定位每一行", "Reading, validating and locating every row"),
    "dp.up_step_write": ("在一个事务中写入数据库并保留原始文件",
                         "Writing to the database in one transaction and keeping the raw file"),
    "dp.up_done": ("完成", "Done"),
    "dp.up_failed": ("文件未导入，数据库没有任何变化。", "The file was not loaded; nothing in the database changed."),
    "dp.up_error": ("出错：{reason}", "Error: {reason}"),
    "dp.up_validated": ("仅检查，未写入数据库。", "Validated only; nothing was written."),
    "dp.up_result": ("结果", "Result"),
    "dp.rows_read": ("读取行数", "Rows read"),
    "dp.rows_loaded": ("导入行数", "Rows loaded"),
    "dp.rows_rejected": ("拒绝行数", "Rows rejected"),
    "dp.up_rejects": ("本次被拒绝的行及原因", "Rows rejected in this file, and why"),
    "dp.up_notes": ("说明", "Notes"),
    "dp.up_limits": ("单个文件不超过 {mb:g} MB；Excel 只读取数值（不计算公式、不运行宏）。",
                     "At most {mb:g} MB per file; Excel is read as values (no formulas, no macros)."),
    "dp.rebuild": ("重建数据库", "Rebuild the database"),
    "dp.rebuild_help": ("用 data/ 中的参考数据和登记表，加上保留的各次导入的原始文件，重新构建数据库；"
                        "全部成功后才替换旧库。",
                        "Builds the database anew from the reference data and registers in data/ "
                        "plus the raw files of every load kept; the old database is replaced only "
                        "when everything succeeded."),
    "dp.rebuild_button": ("重建数据库", "Rebuild the database"),
    "dp.rebuild_running": ("正在重建数据库…", "Rebuilding the database…"),
    "dp.rebuild_done": ("数据库已重建：{loads} 个登记表批次，{facilities} 个设施，{units} 个村（社区）。",
                        "Database rebuilt: {loads} loads, {facilities} facilities, {units} villages "
                        "and communities."),
    "dp.rebuild_failed": ("重建失败，原数据库保持不变：{reason}",
                          "The rebuild failed; the old database is unchanged: {reason}"),
    # data page: the upload's year, scope and type, and the check before the load
    "dp.how_year": ("登记表须有年份：文件中的年份列，或 --year；只覆盖部分乡镇的登记表加 --scope。"
                    "validate 会先说明导入后将替换哪些数据。",
                    "A register needs a year: the file's year column, or --year; add --scope for a "
                    "register of some townships only. validate says beforehand what a load will replace."),
    "dp.up_year": ("年份", "Year"),
    "dp.up_year_placeholder": ("留空：用文件中的年份列", "Empty: the file's year column"),
    "dp.up_year_help": ("登记表的年份，如 2024。文件有年份列时可留空；填写后，文件中其他年份的行将被拒绝。",
                        "The register's year, e.g. 2024. Leave it empty when the file has a year "
                        "column; when given, rows of another year are rejected."),
    "dp.up_type": ("设施类型（可选）", "Facility type (optional)"),
    "dp.up_type_file": ("按文件判断（类型列或机构名称）", "From the file (type column or names)"),
    "dp.up_type_help": ("整份文件都是同一类设施时选择（同 --type）；须属于所选的登记表类型。",
                        "Choose when the whole file is one type of facility (as --type); it must "
                        "belong to the register kind chosen."),
    "dp.up_scope": ("范围（登记表覆盖的乡镇）", "Scope (townships the register covers)"),
    "dp.up_scope_placeholder": ("全县（留空）", "Whole county (leave empty)"),
    "dp.up_scope_help": ("只覆盖部分乡镇的登记表（如一个中心卫生院辖区的村卫生室）选这些乡镇："
                         "范围外的行被拒绝，只替换范围内的数据。",
                         "For a register of some townships only (e.g. the village clinics of one "
                         "health centre's area): rows outside are rejected, and only the data inside "
                         "the scope is replaced."),
    "dp.up_load_help": ("先检查，并说明导入后将替换哪些数据；确认后才写入数据库。",
                        "Checks first and says what the load will replace; writes only once you confirm."),
    "dp.up_confirm": ("确认导入", "Confirm load"),
    "dp.up_bad_type": ("设施类型“{type}”不属于“{kind}”登记表；可选：{types}。",
                       "The facility type “{type}” is not a type of the register kind “{kind}”; "
                       "choose one of: {types}."),
    "dp.up_year_hint": ("请在上方“年份”中填写登记表的年份，然后重新检查。",
                        "Enter the register's year under “Year” above, then check again."),
    "dp.rows_loadable": ("可导入行数", "Rows to load"),
    "dp.pv_summary": ("{file}：读取 {read} 行，可导入 {ok} 行，拒绝 {rejected} 行（尚未导入）。",
                      "{file}: read {read}, {ok} to load, {rejected} rejected (not loaded yet)."),
    "dp.pv_heading": ("待确认：即将导入 {file}", "To confirm: loading {file}"),
    "dp.pv_confirm_help": ("请核对下方的检查结果和被拒绝的行，无误后点击“确认导入”。更改文件或任何设置后须重新检查。",
                           "Look over the result and the rejected rows below, then click “Confirm "
                           "load”. Changing the file or any setting voids this check."),
    "dp.pv_changed": ("文件或设置在检查后有变化：已按现在的文件和设置重新检查，请再次确认。",
                      "The file or settings changed after the check: checked again as they are now; "
                      "confirm again to load."),
    "dp.pv_not_yet": ("仅检查，尚未写入数据库：点击上方“确认导入”后才导入。",
                      "Checked only, nothing written yet: the load happens when you click “Confirm "
                      "load” above."),
    # data page: registers, withdraw and restore, the log
    "dp.reg.heading": ("登记表与现用数据", "Registers and the data in use"),
    "dp.reg.none": ("尚未导入任何设施登记表，各页面因此没有设施数据。管理员可在下方“上传登记表”中导入，"
                    "或在服务器上运行 python -m etl load。",
                    "No facility register has been loaded, so the pages have no facility data. An "
                    "admin loads one under “Upload a register” below, or runs python -m etl load on "
                    "the server."),
    "dp.reg.summary_help": ("各类设施现在用的是哪份数据（单位：行，一行一个设施）。“在用”是页面和指标读取的行；"
                            "“未用”是已被取代、已撤回或较早年份的行，仍保留在数据库中。",
                            "Which data each kind of facility uses now (unit: rows, one facility per "
                            "row). Rows “in use” are those the pages and indicators read; rows “not in "
                            "use” are superseded, withdrawn or of an earlier year, and stay in the "
                            "database."),
    "dp.reg.table_help": ("每次导入设施数据都是一份登记表。同一类型、年份和乡镇只有一份有效：新登记表取代旧的；"
                          "某类型的第一份真实登记表取代其范围内的示例数据。被取代或撤回的登记表不删除，可随时恢复。"
                          "时间为 UTC。",
                          "Every load of facilities is a register. One register is in force per kind, "
                          "year and township: a new one supersedes the old, and the first real "
                          "register of a kind supersedes the generated data in its scope. Superseded "
                          "and withdrawn registers are never deleted and can be restored. Times in UTC."),
    "dp.reg.log": ("登记表操作记录（谁在何时做了什么）", "Register log (who did what, when)"),
    "dp.reg.log_help": ("最新的在上。build 为重建数据库时载入的示例登记表，cli:… 为命令行操作，其余为管理员账号。",
                        "Latest first. build marks the generated registers of a rebuild, cli:… a "
                        "command-line change, any other name an admin account."),
    "dp.reg.col_id": ("编号", "ID"),
    "dp.reg.col_kind": ("类型", "Kind"),
    "dp.reg.col_year": ("年份", "Year"),
    "dp.reg.col_scope": ("范围", "Scope"),
    "dp.reg.col_rows": ("导入行数", "Rows loaded"),
    "dp.reg.col_shown": ("在用行数", "Rows in use"),
    "dp.reg.col_status": ("状态", "Status"),
    "dp.reg.col_origin": ("数据", "Data"),
    "dp.reg.col_file": ("文件", "File"),
    "dp.reg.col_at": ("导入时间（UTC）", "Loaded at (UTC)"),
    "dp.reg.col_by": ("导入人", "Loaded by"),
    "dp.reg.col_superseded_by": ("被取代于（编号）", "Superseded by (ID)"),
    "dp.reg.col_in_use": ("现用数据", "Data in use"),
    "dp.reg.col_when": ("时间（UTC）", "When (UTC)"),
    "dp.reg.col_event": ("操作", "Action"),
    "dp.reg.col_who": ("操作人", "Who"),
    "dp.reg.col_detail": ("说明", "Detail"),
    "dp.reg.sum_generated_active": ("在用·示例（行）", "In use: generated (rows)"),
    "dp.reg.sum_real_active": ("在用·真实（行）", "In use: real (rows)"),
    "dp.reg.sum_generated_inactive": ("未用·示例（行）", "Not in use: generated (rows)"),
    "dp.reg.sum_real_inactive": ("未用·真实（行）", "Not in use: real (rows)"),
    "dp.reg.use_real": ("真实登记表", "Real register"),
    "dp.reg.use_mixed": ("部分乡镇为真实登记表，其余为示例", "Real in some townships, generated elsewhere"),
    "dp.reg.use_generated": ("示例数据", "Generated (demo) data"),
    "dp.reg.use_none": ("尚未导入", "Not loaded yet"),
    "dp.reg.generated": ("示例（生成）", "Generated (demo)"),
    "dp.reg.real": ("真实", "Real"),
    "dp.reg.st_active": ("有效", "Active"),
    "dp.reg.st_partly": ("有效（部分乡镇已被取代）", "Active (partly superseded)"),
    "dp.reg.st_earlier": ("有效（较早年份，用于逐年对比）", "Active (earlier year, kept for comparison)"),
    "dp.reg.st_superseded": ("已被取代", "Superseded"),
    "dp.reg.st_withdrawn": ("已撤回", "Withdrawn"),
    "dp.reg.undated": ("未注明年份", "undated"),
    "dp.reg.year_value": ("{year} 年", "{year}"),
    "dp.reg.county": ("全县", "whole county"),
    "dp.reg.this": ("登记表：{kind}，{year}，范围：{scope}", "Register: {kind}, {year}, scope: {scope}"),
    "dp.reg.replaces_nothing": ("不替换任何数据（其他年份的登记表保留，用于逐年对比）",
                                "replaces nothing (registers of other years stay, for the change "
                                "over the years)"),
    "dp.reg.replace_generated": ("将替换示例数据：{what}", "will replace {what}"),
    "dp.reg.replaced_generated": ("已替换示例数据：{what}", "replaced {what}"),
    "dp.reg.back_generated": ("示例数据恢复使用：{what}", "brought back {what}"),
    "dp.reg.replace_real": ("将替换第 {id} 号登记表（{file}，{year}，{scope}）：{what}",
                            "will replace {what} of register {id} ({file}, {year}, {scope})"),
    "dp.reg.replaced_real": ("已替换第 {id} 号登记表（{file}，{year}，{scope}）：{what}",
                             "replaced {what} of register {id} ({file}, {year}, {scope})"),
    "dp.reg.back_real": ("第 {id} 号登记表（{file}，{year}，{scope}）恢复使用：{what}",
                         "brought back {what} of register {id} ({file}, {year}, {scope})"),
    "dp.reg.label": ("第 {id} 号 · {kind} · {year} · {scope} · {file}",
                     "#{id} · {kind} · {year} · {scope} · {file}"),
    "dp.reg.pick_status": ("所选登记表现在的状态：{status}", "The selected register is now: {status}"),
    "dp.reg.change": ("撤回或恢复登记表", "Withdraw or restore a register"),
    "dp.reg.change_help": ("撤回：不再使用该登记表的数据，它曾取代的数据（如示例数据）恢复使用；恢复：重新使用它。"
                           "不删除任何数据；每次操作记入登记表操作记录，重建数据库时按顺序重放。",
                           "Withdraw: its rows are no longer used, and what it had superseded (e.g. "
                           "the generated data) comes back; restore: use it again. Nothing is "
                           "deleted; every change goes into the register log and is replayed by a "
                           "rebuild."),
    "dp.reg.pick": ("登记表", "Register"),
    "dp.reg.withdraw": ("撤回", "Withdraw"),
    "dp.reg.restore": ("恢复", "Restore"),
    "dp.reg.withdraw_help": ("不再使用所选登记表的数据", "Stop using the selected register's rows"),
    "dp.reg.restore_help": ("重新使用所选的已撤回登记表", "Use the selected withdrawn register again"),
    "dp.reg.withdrawing": ("正在撤回第 {id} 号登记表…", "Withdrawing register {id}…"),
    "dp.reg.restoring": ("正在恢复第 {id} 号登记表…", "Restoring register {id}…"),
    "dp.reg.failed": ("操作未完成", "Not done"),
    "dp.reg.unchanged": ("数据库没有任何变化。", "Nothing in the database changed."),
    "dp.reg.withdrew": ("已撤回第 {id} 号登记表（{file}）：其数据不再使用。",
                        "Register {id} ({file}) withdrawn: its rows are no longer used."),
    "dp.reg.restored": ("已恢复第 {id} 号登记表（{file}），现状态：{status}。",
                        "Register {id} ({file}) restored; status now: {status}."),
    "dp.reg.already_withdrawn": ("第 {id} 号登记表（{file}）已是撤回状态，未做更改。",
                                 "Register {id} ({file}) is already withdrawn; nothing changed."),
    "dp.reg.not_withdrawn": ("第 {id} 号登记表（{file}）未被撤回，无需恢复，未做更改。",
                             "Register {id} ({file}) is not withdrawn; nothing changed."),
    "dp.reg.ev_load": ("导入", "loaded"),
    "dp.reg.ev_supersede": ("被取代", "superseded"),
    "dp.reg.ev_withdraw": ("撤回", "withdrawn"),
    "dp.reg.ev_restore": ("恢复", "restored"),
    "crs.wgs84": ("WGS-84（GPS、天地图）", "WGS-84 (GPS, Tianditu)"),
    "crs.gcj02": ("GCJ-02（高德、腾讯）", "GCJ-02 (Amap, Tencent)"),
    "crs.bd09": ("BD-09（百度）", "BD-09 (Baidu)"),
}
