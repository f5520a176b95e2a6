"""Labels of the pipeline and the command line: report lines, output file names, CLI messages."""

from __future__ import annotations

#: Key → (Chinese, English), keys prefixed by this part.
LABELS: dict[str, tuple[str, str]] = {
    # -- pipeline and cli --
    "pipeline.title.overview": ("学校与隐患概览", "Schools and hazards: overview"),
    "pipeline.title.analysis": ("校园周边距离圈与派出所响应范围", "Distance rings and police response areas"),
    "pipeline.title.patrol": ("护学巡逻路线·{window}", "Patrol routes · {window}"),
    "pipeline.title.coverage": ("巡逻与响应覆盖·{window}", "Patrol and response coverage · {window}"),
    "pipeline.zones.by_school": ("各校周边隐患（200米内）", "hazards per school (within 200 m)"),
    "pipeline.zones.by_township": ("各乡镇隐患", "hazards per township"),
    "pipeline.file.by_school": ("各校周边隐患.csv", "hazards_by_school.csv"),
    "pipeline.file.by_township": ("各乡镇隐患.csv", "hazards_by_township.csv"),
    "pipeline.packet.window": (
        "巡逻时段“{window}”无法识别；可选 am（早高峰）、noon（午高峰）、pm（晚高峰）",
        "unknown patrol window '{window}'; use am, noon or pm",
    ),
    "pipeline.packet.overview": ("概览", "Overview"),
    "pipeline.packet.analysis": ("校园周边、规则核查与风险", "School zones, rule check and risk"),
    "pipeline.packet.patrol": ("护学巡逻·{window}", "Patrols · {window}"),
    "pipeline.packet.coverage": ("覆盖与护学岗选址·{window}", "Coverage and guard posts · {window}"),
    "pipeline.packet.register": ("隐患整改", "Rectification"),
    "pipeline.packet.dir.am": ("巡逻_早高峰", "patrol_am"),
    "pipeline.packet.dir.noon": ("巡逻_午高峰", "patrol_noon"),
    "pipeline.packet.dir.pm": ("巡逻_晚高峰", "patrol_pm"),
    "pipeline.packet.dir.coverage": ("覆盖", "coverage"),
    "pipeline.packet.dir.register": ("整改", "rectification"),
    "pipeline.packet.png": ("地图图片（幻灯片用）", "map image (for slides)"),
    "pipeline.packet.index": ("会议材料首页", "packet front page"),
    "pipeline.packet.title": ("{district}护校安园会议材料", "{district}: school-surroundings safety meeting packet"),
    "pipeline.packet.intro": (
        "以下地图均为离线单文件，无需联网即可在浏览器中打开；表格可用 Excel/WPS 打开。",
        "Every map below is one offline file that opens in a browser with no network; the tables open in Excel or WPS.",
    ),
    "cli.packet_ready": ("会议材料首页：{path}", "meeting packet front page: {path}"),
    "cli.step": ("正在生成：{title}", "making: {title}"),
    "cli.map_written": ("地图", "map"),
    "pipeline.register.file": ("隐患台账.gpkg", "hazard_register.gpkg"),
    "pipeline.register.written": ("隐患台账", "hazard register"),
    "pipeline.register.workbook": ("整改清单", "rectification list"),
    "pipeline.register.chart": ("每月发现与销号图", "monthly found and closed chart"),
    "pipeline.register.bulletin": ("通报段落", "bulletin"),
    "pipeline.register.message": ("隐患台账通报：{bulletin}", "hazard register bulletin: {bulletin}"),
    "cli.reg.usage": (
        "register 用法：init | import 文件 | advance 隐患编号 状态（或 reopen）| report --out 目录 | overdue | "
        "review | resolve 复核编号 merge|new|dismiss",
        "register usage: init | import FILE | advance HAZARD_ID STATUS (or reopen) | report --out DIR | overdue | "
        "review | resolve REVIEW_ID merge|new|dismiss",
    ),
    "cli.reg.summary": (
        "{target}：隐患 {hazards} 处，检查批次 {batches} 个",
        "{target}: {hazards} hazards, {batches} batches",
    ),
    "cli.reg.imported": (
        "第 {batch} 批：共 {records} 条记录，新增隐患 {new} 处，重复发现 {matched} 条，"
        "待复核 {review} 条，退回 {rejected} 条",
        "batch {batch}: {records} records: {new} new, {matched} matched, {review} to review, {rejected} rejected",
    ),
    "cli.reg.advanced": ("{hazard}：当前状态 {status}", "{hazard}: now {status}"),
    "cli.reg.overdue_row": (
        "{hazard}\t{department}\t整改期限 {deadline}\t逾期 {days} 天",
        "{hazard}\t{department}\tdeadline {deadline}\t{days} days overdue",
    ),
    "cli.reg.overdue_total": ("逾期未整改隐患 {n} 处", "{n} hazards overdue"),
    "cli.reg.review_row": (
        "复核 {id}：第 {batch} 批第 {row} 行，{reason}，候选隐患 {candidate}，相似度 {score}",
        "review {id}: batch {batch} row {row}, {reason}, candidate {candidate}, score {score}",
    ),
    "cli.reg.review_total": ("待复核记录 {n} 条", "{n} open review records"),
    "cli.reg.possible_repeat": ("疑似重复发现", "possible repeat sighting"),
    "cli.reg.merged": (
        "复核 {id}：已并入隐患 {hazard}（重复发现）",
        "review {id}: merged into {hazard} (repeat sighting)",
    ),
    "cli.reg.new": ("复核 {id}：已登记为新隐患 {hazard}", "review {id}: kept as new hazard {hazard}"),
    "cli.reg.dismissed": ("复核 {id}：已撤销", "review {id}: dismissed"),
    "cli.reg.bad_date": (
        "{option} 的日期 {value} 无法识别；请写成 YYYY-MM-DD",
        "{option}: {value} is not a date; write YYYY-MM-DD",
    ),
    "cli.reg.bad_review_id": (
        "复核编号 {value} 不是数字；用 `hutan-geo register review 台账文件` 查看待复核记录",
        "review id {value} is not a number; list the open records with `hutan-geo register review REGISTER`",
    ),
    "cli.reg.no_departments": (
        "{path}：部门名单文件不存在；每行写一个部门名称",
        "{path}: no such departments file; write one department name a line",
    ),
    "pipeline.cov_xlsx": ("覆盖情况表（每表一页）", "coverage tables (one sheet each)"),
    "pipeline.cov_timeline": ("巡逻时间线图", "patrol timeline chart"),
    "pipeline.cov_moving": ("逐分钟响应覆盖图", "minute-by-minute response chart"),
    "pipeline.cov_map": ("覆盖分析地图（离线单文件）", "coverage map (one offline file)"),
    "pipeline.file.cov_xlsx": ("覆盖情况.xlsx", "coverage.xlsx"),
    "pipeline.file.cov_timeline": ("巡逻时间线.png", "patrol_timeline.png"),
    "pipeline.file.cov_moving": ("逐分钟覆盖.png", "coverage_by_minute.png"),
    "pipeline.file.cov_map": ("覆盖分析.html", "coverage_map.html"),
    "pipeline.cov.sheet.patrol": ("巡逻覆盖", "patrol coverage"),
    "pipeline.cov.sheet.township": ("覆盖率（乡镇）", "shares by township"),
    "pipeline.cov.sheet.precinct": ("覆盖率（派出所辖区）", "shares by precinct"),
    "pipeline.cov.sheet.level": ("覆盖率（学段）", "shares by level"),
    "pipeline.cov.sheet.clusters": ("隐患聚集点巡经", "hazard cluster passes"),
    "pipeline.cov.sheet.bands": ("响应圈汇总", "response bands"),
    "pipeline.cov.sheet.response": ("响应时间", "response times"),
    "pipeline.cov.sheet.minutes": ("逐分钟覆盖", "by minute"),
    "pipeline.cov.sheet.worst": ("最差时刻未覆盖", "uncovered at worst minute"),
    "pipeline.cov.sheet.siting": ("护学岗选址对比", "guard post siting"),
    "pipeline.cov.sheet.gains": ("增设护学岗增益", "gain per added post"),
    "pipeline.cov.sheet.sites": ("选址点", "sites"),
    "pipeline.cov.col.first_pass": ("首次巡经", "first pass"),
    "pipeline.cov.col.band_min": ("响应圈（分钟）", "band (min)"),
    "pipeline.cov.col.n_within": ("圈内学校", "schools within"),
    "pipeline.cov.col.students_within": ("圈内学生", "students within"),
    "pipeline.cov.col.clock": ("时刻", "time"),
    "pipeline.cov.col.model": ("方案", "plan"),
    "pipeline.cov.col.posts": ("护学岗数", "posts"),
    "pipeline.cov.col.gates_covered": ("覆盖校门", "gates covered"),
    "pipeline.cov.col.weight": ("覆盖权重", "covered weight"),
    "pipeline.cov.col.added": ("新增护学岗", "posts added"),
    "pipeline.cov.col.gain": ("增益", "gain"),
    "pipeline.cov.col.weight_share": ("覆盖权重占比", "share of weight"),
    "pipeline.cov.col.site_id": ("点位编号", "site id"),
    "pipeline.cov.col.site_name": ("点位", "site"),
    "pipeline.cov.col.kind": ("类型", "kind"),
    "pipeline.cov.col.current": ("现有护学岗", "current post"),
    "pipeline.cov.model.current": ("现有护学岗", "current posts"),
    "pipeline.cov.model.mclp": ("同数量最优布局（MCLP）", "best layout, same number (MCLP)"),
    "pipeline.cov.model.lscp": (
        "覆盖全部校门最少护学岗（LSCP，按校门计）",
        "fewest posts covering every gate (LSCP, by gate)",
    ),
    "pipeline.cov.patrol": (
        "巡逻覆盖·{window}：需护学 {n} 所，护学岗值守 {post} 所，巡逻车到岗 {car} 所，未覆盖 {none} 所；"
        "学校覆盖率 {share:.0%}，学生覆盖率 {students:.0%}",
        "patrol coverage ({window}): {n} schools need cover, {post} by a guard post, {car} by a patrol car, "
        "{none} not covered; {share:.0%} of schools, {students:.0%} of students",
    ),
    "pipeline.cov.bands": (
        "响应覆盖·{window}（派出所与护学岗，路网行驶）：{bands}",
        "response ({window}, stations and posts, by road): {bands}",
    ),
    "pipeline.cov.band": (
        "{m:g}分钟内 {n} 所（{share:.0%}，学生 {students:.0%}）",
        "within {m:g} min {n} schools ({share:.0%}, students {students:.0%})",
    ),
    "pipeline.cov.outside": ("超出{m:g}分钟 {n} 所", "beyond {m:g} min {n} schools"),
    "pipeline.cov.moving": (
        "逐分钟（{m:g}分钟内可达）：最差时刻 {clock}，学校覆盖率 {share:.0%}，{n} 所未覆盖",
        "minute by minute (within {m:g} min): worst at {clock}, {share:.0%} of schools, {n} not covered",
    ),
    "pipeline.cov.siting": (
        "护学岗选址（{m:g}分钟内，按在校生加权）：现有 {current} 个覆盖 {current_share:.0%}；"
        "最优 {p} 个覆盖 {best_share:.0%}；覆盖全部校门最少需 {lscp} 个",
        "guard post siting (within {m:g} min, weighted by enrolment): the {current} current posts cover "
        "{current_share:.0%}; the best {p} cover {best_share:.0%}; covering every gate needs {lscp}",
    ),
    "pipeline.cov.gains": (
        "每增设一个护学岗，覆盖率依次提高：{gains}",
        "each added guard post raises coverage by: {gains}",
    ),
    "pipeline.cov.limits": (
        "响应圈须为大于 0 的分钟数，例如 1 3 5；收到 {limits}",
        "limits must be minutes > 0, e.g. 1 3 5; got {limits}",
    ),
    "pipeline.roster_xlsx": (
        "巡逻勤务表（Excel：每个时段一页及汇总）",
        "patrol duty roster (Excel: a sheet per window and a summary)",
    ),
    "pipeline.roster_html": ("巡逻勤务表（可打印网页）", "patrol duty roster (printable HTML)"),
    "pipeline.patrol_geojson": ("巡逻路线与停靠点 GeoJSON", "patrol routes and stops (GeoJSON)"),
    "pipeline.patrol_gpx": (
        "巡逻路线 GPX（手机导航，每车一条轨迹）",
        "patrol routes GPX (phone navigation, a track per unit)",
    ),
    "pipeline.patrol_kml": ("巡逻路线 KML（手机导航）", "patrol routes KML (phone navigation)"),
    "pipeline.patrol_map": (
        "巡逻路线图（离线；每车一色、编号停靠点及到达时间、未覆盖学校及原因）",
        "patrol map (offline: a colour per unit, numbered stops with times, schools not covered with the reason)",
    ),
    "pipeline.file.roster_xlsx": ("巡逻勤务表.xlsx", "patrol_roster.xlsx"),
    "pipeline.file.roster_html": ("巡逻勤务表.html", "patrol_roster.html"),
    "pipeline.file.patrol_geojson": ("巡逻路线.geojson", "patrol_routes.geojson"),
    "pipeline.file.patrol_gpx": ("巡逻路线.gpx", "patrol_routes.gpx"),
    "pipeline.file.patrol_kml": ("巡逻路线.kml", "patrol_routes.kml"),
    "pipeline.file.patrol_map": ("巡逻路线.html", "patrol_map.html"),
    "pipeline.patrol_kpis": (
        "巡逻计划·{window}：需护学 {schools_needing} 所，护学岗覆盖 {covered_by_posts} 所，巡逻车按时到岗 "
        "{served_by_units} 所，未能覆盖 {unserved} 所（时段内无法到达 {unreachable}，警力不足 {short_of_units}）；"
        "出动 {units_used}/{units_available} 个单位，行驶 {km:.1f} 公里、{drive_min:.0f} 分钟，"
        "等候 {idle_min:.0f} 分钟；途经隐患聚集点 {cluster_stops} 处",
        "patrol plan ({window}): {schools_needing} schools need cover, {covered_by_posts} covered by guard posts, "
        "{served_by_units} served in window, {unserved} not covered ({unreachable} unreachable, {short_of_units} "
        "short of units); {units_used}/{units_available} units out, {km:.1f} km and {drive_min:.0f} min driving, "
        "{idle_min:.0f} min waiting; {cluster_stops} hazard clusters passed",
    ),
    "pipeline.patrol_fleet": (
        "  全部可达学校都要覆盖，需增派 {extra} 辆车：{where}",
        "  to cover every reachable school, add {extra} cars: {where}",
    ),
    "pipeline.patrol_budget_iterations": (
        "巡逻求解：每个时段 {iterations} 次迭代，随机种子 {seed}（结果可复现）；已按行车时间矩阵独立核验",
        "patrol solve: {iterations} iterations per window, seed {seed} (reproducible); checked independently "
        "against the travel-time matrix",
    ),
    "pipeline.patrol_budget_seconds": (
        "巡逻求解：每个时段 {seconds:g} 秒，随机种子 {seed}；已按行车时间矩阵独立核验",
        "patrol solve: {seconds:g} s per window, seed {seed}; checked independently against the travel-time matrix",
    ),
    "pipeline.patrol_window": (
        "巡逻时段须为 am（早高峰）、noon（午高峰）、pm（放学）或 day（全天）；收到 {window!r}",
        "the patrol window must be am, noon, pm or day; got {window!r}",
    ),
    "cli.solving": ("巡逻求解中", "solving patrols"),
    "cli.iteration": ("迭代", "iteration"),
    "cli.best_cost": ("最优成本", "best cost"),
    "cli.seconds": ("秒", "s"),
    "pipeline.valid": ("有效数据", "valid rows"),
    "pipeline.review": ("待复核表", "review table"),
    "pipeline.gpkg": ("GeoPackage 图层", "GeoPackage layers"),
    "pipeline.map": ("概览地图", "overview map"),
    "pipeline.png": ("概览地图图片", "overview map image"),
    "pipeline.geocode_review": ("地理编码待复核表", "geocoding review table"),
    "pipeline.violations": ("规则违规清单", "rule violations"),
    "pipeline.risk": ("学校风险排名", "school risk ranking"),
    "pipeline.analysis_map": (
        "分析地图（校园周边100/200米、派出所1/3/5分钟响应圈）",
        "analysis map (100/200 m rings, 1/3/5-minute response)",
    ),
    "pipeline.file.review": ("待复核.csv", "review.csv"),
    "pipeline.file.schools": ("学校.csv", "schools.csv"),
    "pipeline.file.hazards": ("隐患.csv", "hazards.csv"),
    "pipeline.file.stations": ("派出所.csv", "stations.csv"),
    "pipeline.file.overview_map": ("概览地图.html", "overview_map.html"),
    "pipeline.file.geocode_review": ("地理编码待复核.csv", "geocoding_review.csv"),
    "pipeline.file.violations": ("违规清单.csv", "violations.csv"),
    "pipeline.file.risk": ("学校风险排名.csv", "school_risk.csv"),
    "pipeline.file.analysis_map": ("分析地图.html", "analysis_map.html"),
    "pipeline.file.valid_suffix": ("有效", "valid"),
    "pipeline.file.review_suffix": ("待复核", "review"),
    "pipeline.townships": ("乡镇界", "townships"),
    "pipeline.geocoded": (
        "地理编码：{placed} 条仅有地址的隐患已离线定位，{review} 条待人工复核",
        "geocoding: {placed} address-only hazards placed offline, {review} to review",
    ),
    "pipeline.rule_check": (
        "规则核查：{violations} 条违规；{skipped} 条隐患待地理编码，暂未核查",
        "rule check: {violations} violations; {skipped} hazards to geocode, not yet checked",
    ),
    "pipeline.offline_note": (
        "注：概览地图为离线单文件（脚本、样式、字体均已内嵌），以本地道路矢量为底图，打开时不访问任何网络。",
        "Note: the overview map is one self-contained offline file (scripts, styles and fonts inlined) drawn on "
        "the district's own roads; it makes no network request when opened.",
    ),
    "pipeline.png_skipped": (
        "注：未生成地图图片（{reason}）；运行 scripts/install_browser.sh 安装 Chromium 后重试。",
        "Note: no map image was written ({reason}); install Chromium with scripts/install_browser.sh and retry.",
    ),
    "cli.written": ("已写入", "written"),
    "cli.done": ("完成。输出目录", "Done. Outputs in"),
    "cli.error": ("错误", "error"),
    "cli.assets_ready": ("离线地图资源已就绪", "offline map assets ready in"),
}
