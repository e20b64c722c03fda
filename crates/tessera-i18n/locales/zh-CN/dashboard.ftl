# 主办方管理后台：活动、票种、配额、价格与检票设置。

dashboard-save = 保存
dashboard-delete = 删除
dashboard-remove = 移除
dashboard-actions = 操作
dashboard-whole-number = 请输入整数
dashboard-unknown-ticket-type = 请选择本活动的票种

## An event's sections

dashboard-event-sections = 活动
dashboard-tab-orders = 订单
dashboard-tab-sales = 销售
dashboard-tab-attendees = 参与者
dashboard-tab-checkin = 检票
dashboard-tab-seats = 座位
dashboard-tab-box-office = 现场售票
dashboard-tab-image = 活动图片
dashboard-tab-public = 公开页面

## Check-in setup

dashboard-checkin-title = 检票 · { $event }
dashboard-no-lists = 本活动还没有检票名单，因此无法扫描门票。请在下方创建一个。
dashboard-no-lists-draft = 活动发布时会自动创建一个检票名单，在“Main entrance”（主入口）一个入口接受所有门票。您也可以在下方自行创建名单。
dashboard-policy-single = 每张票仅限入场一次
dashboard-policy-reentry = 离场后可再次入场
dashboard-policy-per-day = 每天限定入场次数
dashboard-per-day-count = 每天 { $count } 次
dashboard-admits-all = 接受所有票种
dashboard-admits-these = 接受：{ $types }
dashboard-open-scanner = 打开检票器
dashboard-checked-in = 已检票
dashboard-inside-now = 场内人数
dashboard-by-ticket-type = 按票种
dashboard-gates = 入口
dashboard-gate = 入口
dashboard-admitted = 已入场
dashboard-no-gate = （已移除的入口）
dashboard-new-gate = 新入口
dashboard-add-gate = 添加入口
dashboard-remove-gate = 移除 { $gate }
dashboard-remove-gate-question = 确定移除入口“{ $gate }”吗？该入口的检票设备将无法继续使用，已有的扫描记录仍会计入。
dashboard-last-gate = 每个名单至少要保留一个入口。
dashboard-scans-by-result = 扫描结果统计
dashboard-result-valid = 已入场
dashboard-result-already-used = 已使用
dashboard-result-not-inside = 未入场即离场
dashboard-result-revoked = 门票已撤销
dashboard-result-wrong-event = 其他活动的门票
dashboard-result-not-on-list = 不在此名单内
dashboard-result-not-yet-valid = 尚未生效
dashboard-result-expired = 已过期
dashboard-result-invalid-signature = 伪造或损坏的票码
dashboard-result-malformed = 不是门票码
dashboard-result-unknown = 未知门票
dashboard-conflicts = { $count } 张门票在离线时被重复放行
dashboard-conflicts-help = 这些门票在检票设备离线时被放行了不止一次。以最早的一次入场为准，其余几次请与入口工作人员核实。
dashboard-conflict-counted = 计入：{ $scan }
dashboard-conflict-also = 另有放行：{ $scan }
dashboard-conflict-scan = { $time }，{ $gate }（{ $device }）
dashboard-conflict-scan-offline = { $time }，{ $gate }（{ $device }，离线）
dashboard-change-list = 修改此名单
dashboard-delete-list = 删除此名单
dashboard-delete-list-question = 确定删除名单“{ $list }”及其入口吗？只有从未扫描过门票的名单才能删除。
dashboard-list-scanned = 此名单已有扫描记录，需作为记录保留，不能删除。
dashboard-new-list = 新建检票名单
dashboard-create-list = 创建名单
dashboard-list-name = 名单名称
dashboard-list-admits = 接受这些票种
dashboard-list-admits-hint = 不勾选则接受所有票种。
dashboard-entry-policy = 入场规则
dashboard-per-day-label = 每天入场次数（选择“每天限定入场次数”时）
dashboard-gates-one-per-line = 入口，每行一个
dashboard-gates-required = 请至少填写一个入口

## Organizations

dashboard-your-orgs = 您的组织
dashboard-no-orgs = 您还不是任何组织的成员。
dashboard-role = 角色：{ $role }
dashboard-create-org = 创建组织
dashboard-org-name = 名称
dashboard-org-slug = 网址标识（a-z、0-9、-）
dashboard-create = 创建

## Events

dashboard-new-event = 新建活动
dashboard-no-events = 还没有活动。
dashboard-event-title = 标题
dashboard-starts = 开始
dashboard-ends = 结束
dashboard-venue = 场馆
dashboard-venues = 场馆
dashboard-venue-first = 请先创建场馆。
dashboard-status = 状态
dashboard-status-draft = 草稿
dashboard-status-published = 已发布
dashboard-status-cancelled = 已取消
dashboard-status-ended = 已结束
dashboard-description = 描述
dashboard-category = 类别
dashboard-times-at-venue = 时间均为场馆当地时间（{ $zone }）。
dashboard-sales-start = 开售时间（可选）
dashboard-sales-end = 停售时间（可选）
dashboard-max-per-customer = 每位购票者限购张数，合计所有订单（可选）
dashboard-max-per-customer-hint = 按电子邮箱和账户累计。留空则不限。
dashboard-create-event = 创建活动
dashboard-choose-venue = 请选择场馆
dashboard-choose-category = 请选择类别
dashboard-enter-date-time = 请输入日期和时间
dashboard-enter-amount = 请输入金额，例如 12.50
dashboard-enter-percent = 请输入百分比，例如 2.5
dashboard-currency-code = 请使用三个字母的 ISO 4217 货币代码，例如 CNY
dashboard-publish = 发布
dashboard-end-event = 结束活动
dashboard-cancel-event = 取消活动
dashboard-cancel-question = 取消活动会为所有订单退款并通知购票者，且无法撤销。
dashboard-cancel-yes = 确定取消活动
dashboard-confirm-cancel = 请点击“取消活动”下方的按钮确认取消。
dashboard-event-details = 活动信息
dashboard-reissue-note = 本活动已有 { $count } 张门票。修改开始或结束时间后，这些门票会按新时间重新签发，并以邮件通知持票人。
dashboard-reissue-confirm = 如修改时间：确认重新签发 { $count } 张门票并通知持票人
dashboard-confirm-move-needed = 将重新签发 { $count } 张门票并通知持票人：请勾选方框以确认新的时间

## Ticket types and quotas

dashboard-ticket-types = 票种
dashboard-no-ticket-types = 还没有票种：添加一个才能售票。
dashboard-name = 名称
dashboard-price = 价格
dashboard-currency = 货币
dashboard-currency-hint = 三个字母；留空则为 { $currency }。
dashboard-available = 可售
dashboard-per-order = 每单数量
dashboard-hidden = 隐藏
dashboard-change-type = 修改“{ $name }”
dashboard-add-type = 添加票种
dashboard-min-per-order = 每单至少
dashboard-max-per-order = 每单最多
dashboard-tt-sales-start = 开售时间（可选，场馆当地时间）
dashboard-tt-sales-end = 停售时间（可选，场馆当地时间）
dashboard-visibility = 可见范围
dashboard-visibility-public = 所有人，显示在活动页面
dashboard-visibility-hidden = 隐藏：仅限持有访问码的购票者
dashboard-access-code = 访问码
dashboard-access-code-hint = 隐藏票种必填：8 至 64 个字母、数字、- 或 _。只有持有访问码的购票者才能看到并购买此票种。
dashboard-draws-from = 占用这些配额
dashboard-quotas = 配额
dashboard-quotas-hint = 配额是多个票种共享的名额；票种只有在其所有配额都有余量时才可售。
dashboard-capacity = 容量
dashboard-sold = 已售
dashboard-held = 保留中
dashboard-change-quota = 修改“{ $name }”
dashboard-add-quota = 添加配额
dashboard-counts-types = 计入这些票种

## Fees, taxes and refunds

dashboard-pricing = 手续费、税费和退款
dashboard-change = 修改
dashboard-fees = 服务费
dashboard-fee-ticket = 每张票
dashboard-fee-percent = 每张票，按票价百分比
dashboard-fee-order = 每单
dashboard-fees-absorbed = 由主办方承担手续费（购票者只看到票价）
dashboard-tax = 税费
dashboard-tax-rate = { $name }：税率（%）
dashboard-tax-inclusive = 价格已含税
dashboard-refunds = 退款
dashboard-buyer-refunds = 购票者可自行退款
dashboard-refund-deadline = 截止于开始前（小时）
dashboard-refund-fee = 退款时扣除的费用
dashboard-reminder = 提醒邮件：开始前几小时发送（0 为不发送）
