# 应用层和 API 的错误信息，使用读者的语言（页面：页面语言；API：Accept-Language）。
# JSON 中稳定的机器代码 `code` 和字段名保持不变，只有 `message` 文本来自这里。

## 关于单个字段的信息（tessera-domain 校验）
errors-empty = 不能为空
errors-too-short = { $min ->
   *[other] 至少需要 { $min } 个字符
}
errors-too-long = { $max ->
   *[other] 最多 { $max } 个字符
}
errors-control-characters = 不能包含控制字符
# 尚未收入目录的字段信息：后面附上英文详情。
errors-field-detail = 填写的值无效（{ $detail }）

## 整个请求
errors-invalid-input = 部分输入无效，请查看各字段的提示。
errors-not-found = 找不到您要的内容。
errors-internal = 我们这边出了点问题，请稍后再试。
errors-invalid-credentials = 电子邮箱、密码或验证码不正确。
errors-totp-required = 请输入身份验证器应用中的验证码。
errors-two-factor-required = 该机构要求启用双重验证，请先为您的账户开启。
errors-forbidden = 您没有权限执行此操作。
errors-code-unauthenticated = 请先登录。
errors-rate-limited = 尝试次数过多，请等待 { $seconds ->
   *[other] { $seconds } 秒
}后再试。
errors-idempotency-in-progress = 此请求仍在处理中，请在 { $seconds ->
   *[other] { $seconds } 秒
}后重试。
errors-conflict = 该值已被使用，或在此期间已被更改。
errors-sold-out = { $available ->
    [0] 已售罄。
   *[other] 仅剩 { $available } 张门票。
}
# 尚未收入目录的拒绝原因：后面附上英文详情。
errors-refused = 请求被拒绝（{ $detail }）。

## 按稳定代码区分的拒绝原因
errors-code-not-on-sale = 这些门票目前不在销售期内。
errors-code-limit-exceeded = 超出了每位顾客在本活动可购买的门票数量。
errors-code-access-code-required = 购买这些门票需要访问码。
errors-code-members-only = 这些门票仅限会员购买：请用持有会员资格的账户登录。
errors-code-order-pending = 订单付款后才会出票。
errors-code-order-not-paid = 只有已付款的订单才能打印门票。
errors-code-not-paid = 此订单尚未付款。
errors-code-payment-rejected = 付款被拒绝。
errors-code-payments-not-configured = 主办方尚未设置收款方式。
errors-code-payment-required = 此订单需要付款。
errors-code-payment-closed = 此笔付款已关闭。
errors-code-refund-not-allowed = 无法办理此退款。
errors-code-provider-unavailable = 暂时无法连接支付服务商，请稍后再试。
errors-code-free-order = 此订单免费：请直接确认，无需付款。
errors-code-already-queued = 已在队列中。
errors-code-bad-event = 活动不符。
errors-code-bad-signature = 签名无效。
errors-code-invalid-token = 此访问令牌无效。
errors-code-token-expired = 此访问令牌已过期。
errors-code-token-revoked = 此访问令牌已被撤销。
errors-code-token-creator-gone = 创建此访问令牌的账户已不存在。

## 订单（结账）
errors-line-count = { $max ->
   *[other] 需要 1 至 { $max } 项
}
errors-sold-by-seat = 本活动按座位售票，请改为选择座位
errors-not-a-ticket-type = 不是本活动的票种
errors-repeated-ticket-type = 重复出现
errors-quantity-between = 数量须在 { $min } 到 { $max } 之间
errors-email-required-for-guests = 未登录时必须填写

## 范围、数量和格式
errors-between = 须在 { $min } 到 { $max } 之间
errors-must-be-range = 须为 { $min } 到 { $max }
errors-range = 须在 { $min } 到 { $max } 之间
errors-rate-range = 须在 { $min } 到 { $max } 之间（以万分之一计，{ $max } 即 100%）
errors-at-most = 最多 { $max } 项
errors-at-most-value = 不能超过 { $max }
errors-at-most-characters = 最多 { $max } 个字符
errors-too-long-bytes = 最多 { $max } 字节
errors-more-than-zero = 必须大于零
errors-at-least-used = 至少须为 { $min }（已售出或已保留的数量）
errors-between-min-per-order = 须在每单最少张数与 { $max } 之间
errors-one-of = 须为以下之一：{ $options }
errors-star-or-one-of = 须为 `*` 或以下之一：{ $options }
errors-value-appears-twice = { $value } 重复出现
errors-listed-twice = 重复列出
errors-in-future = 时间不能晚于现在
errors-email = 必须是有效的电子邮箱地址
errors-slug-format = 须为 { $min } 到 { $max } 个字符，只能包含 a-z、0-9 和“-”，且不能以“-”开头或结尾
errors-currency-code = 须为 ISO 4217 货币代码，例如 EUR 或 CNY
errors-search-too-long = 搜索文字最多 { $max } 个字符
errors-lines-range = 需要 { $min } 到 { $max } 项
errors-seat-count = 需要 { $min } 到 { $max } 个座位
errors-ticket-count = 需要 { $min } 到 { $max } 张票
errors-scan-count = 需要 { $min } 到 { $max } 条扫描记录
errors-gate-count = 需要 { $min } 到 { $max } 个入口
errors-event-type-count = 需要 { $min } 到 { $max } 种事件类型
errors-webhook-secret-count = 需要 { $min } 到 { $max } 个端点密钥
errors-day-range = 须为 { $min } 到 { $max } 天
errors-second-range = 须为 { $min } 到 { $max } 秒
errors-image-count = 最多 { $max } 张图片
errors-quota-count = 最多 { $max } 个配额
errors-category-count = 最多 { $max } 个类别

## 活动、票种和配额
errors-after-start = 结束时间必须晚于开始时间
errors-not-after-end = 不能晚于活动结束时间
errors-after-sales-start = 必须晚于开售时间
errors-after-from = 结束日期必须晚于起始日期
errors-image-url = 必须是不超过 { $max } 个字符的 http(s) 网址
errors-repeated-quota = 不能重复选择同一配额
errors-repeated-ticket-type-choice = 不能重复选择同一票种
errors-hidden-needs-access-code = 隐藏票种需要访问码
errors-access-code-format = 须为 { $min } 到 { $max } 个字符，只能包含 A-Z、a-z、0-9、“-”和“_”
errors-publish-needs-quota = 发布前请先添加一个使用配额的票种
errors-bad-cursor = 不是本服务器生成的分页游标
errors-no-image = 没有可保存的图片

## 订单、座位和退款
errors-lines-empty-with-seats = 选择座位时此项须留空
errors-not-a-seat-id = 不是有效的座位编号
errors-at-most-count = 不能超过所选座位数
errors-amount-or-tickets = 请填写金额或选择门票，不能两者都填
errors-refund-at-most = 最多可退 { $amount }
errors-not-order-ticket = 不是本订单的门票
errors-already-void = 已作废
errors-sale-key-missing = 表单密钥缺失，请重新加载表单

## 支付设置
errors-sandbox-off = 本服务器已关闭沙盒支付（payments.allow_sandbox）
errors-stripe-secret-key = 须为 Stripe 密钥（sk_live_…、sk_test_…）或受限密钥（rk_…）
errors-webhook-secret = 须为端点密钥（whsec_…）
errors-required-for-stripe = 使用 Stripe 时必须填写

## 检票
errors-per-day-needs-max = “每日限次”需要设置每日入场次数，范围为 { $min } 到 { $max }
errors-max-entries-only-per-day = 只有“每日限次”规则才能设置每日入场次数
errors-unknown-entry-policy = 未知的入场规则“{ $value }”
errors-gate-names-unique = 入口名称不能重复
errors-list-gate-limit = 每个检票名单最多 { $max } 个入口
errors-not-a-gate = 不是此检票名单的入口
errors-nonce-format = 须为 { $min } 到 { $max } 个字符：字母、数字或 - _ . :
errors-twice-in-upload = 在本次上传中重复出现
errors-sync-cursor = 须为之前同步返回的游标

## 账户、组织和令牌
errors-wrong-password = 密码错误
errors-wrong-code = 验证码错误或已被使用
errors-bad-link = 此链接无效、已过期或已被使用，请重新申请
errors-no-such-account = 没有使用此电子邮箱的账户
errors-role-above-own = 不能高于您自己的角色（{ $role }）

## Webhook 端点
errors-url-invalid = 这不是有效的完整网址，例如 https://hooks.example.com/tessera。
errors-url-too-long = 网址太长，最多 { $max } 个字符。
errors-url-scheme = 网址必须以 https:// 开头。
errors-url-insecure = 网址必须使用 https://，不接受普通 http。
errors-url-credentials = 网址中不能包含用户名或密码。
errors-url-local-name = 主机名 { $host } 指向本机或本地网络，无法接收 webhook。
errors-url-unqualified = 主机名 { $host } 不是完整域名，例如 hooks.example.com。
errors-url-forbidden-address = 地址 { $address } 不在公共互联网上，无法接收 webhook。

## 座位图（生成和导入）
errors-rows-times-seats = 排数 × 每排座位数最多为 { $max }
errors-span-degrees = 须大于 0 且不超过 { $max }
errors-venue-without-map = 活动场馆还没有座位图，请先导入或生成
errors-category-needs-type = 每个座位类别都需要对应一个票种
errors-category-unused = 座位图中没有这个类别的座位
errors-map-too-many-seats = 共 { $count } 个座位；一个场馆的座位图最多 { $max } 个座位
errors-map-invalid = 座位图无效
errors-map-more-problems = 另有 { $count } 个问题
errors-map-syntax = { $format } 格式错误：{ $detail }
errors-map-wrong-format = 不是 Tessera 座位图（应包含 "format": "tessera-seat-map"）
errors-map-version = 不支持的版本 { $found }（此版本只能读取版本 { $supported }）
errors-map-missing-field = 缺少字段 `{ $field }`
errors-map-too-long = 超过 { $max } 字节
errors-map-bad-number = 不是数字：{ $value }
errors-map-not-finite = 不是有限的数字
errors-map-unknown-flag = 未知的标记 { $value }（可用：wheelchair、companion、restricted_view、aisle）
errors-map-unknown-column = 未知的列 { $value }
errors-map-missing-column = 表头缺少列 `{ $column }`
errors-map-duplicate-column = 表头中列 `{ $column }` 出现了两次
errors-map-field-count = 应有 { $expected } 个字段，实际为 { $found } 个
errors-map-bad-id = 不是 UUID：{ $value }
errors-map-duplicate-seat = 座位 { $section }/{ $row }/{ $seat } 重复出现（首次出现在 { $first }）
errors-map-duplicate-row = 排 { $section }/{ $row } 重复出现（首次出现在 { $first }）
errors-map-duplicate-section = 区域 { $section } 重复出现（首次出现在 { $first }）
errors-map-duplicate-area = 站席区 { $name } 重复出现（首次出现在 { $first }）
errors-map-duplicate-id = 编号 { $id } 被重复使用（首次出现在 { $first }）
errors-map-no-seats = 没有座位
errors-map-empty = 座位图中既没有座位也没有站席区
errors-map-zero-capacity = 容量至少为 1
errors-map-too-many = { $what ->
    [seats] 座位超过 { $max } 个
    [areas] 站席区超过 { $max } 个
   *[other] 超过 { $max } 个（{ $what }）
}
errors-map-ticket-label = 座位的票面标签 { $label } 有 { $len } 字节，票码最多容纳 { $max } 字节：请缩短区域、排或座位的名称

## API 无法读取的请求体、查询字符串和路径
errors-json-content-type = 请以 JSON 格式发送请求体，并设置 Content-Type: application/json
errors-body-too-large = 请求体太大
errors-body-unreadable = 无法读取请求体
errors-malformed-json = 请求体不是有效的 JSON（第 { $line } 行，第 { $column } 列）
errors-query-unreadable = 无法读取查询字符串
errors-path-unreadable = 无法读取请求地址
errors-malformed-path = 路径参数 { $field } 格式不正确
errors-malformed-id = 编号格式不正确
# 以单个字段的问题作为整个回答的信息。
errors-input-field = { $field }：{ $message }
errors-input-unknown-field = 未知字段 `{ $field }`
errors-input-missing-field = 缺少字段 `{ $field }`
errors-input-duplicate-field = 字段 `{ $field }` 重复出现
errors-input-unknown-variant = 未知的取值 `{ $value }`
errors-input-wrong-type = 类型不正确（应为 { $expected }）
errors-input-invalid-value = 值无效（应为 { $expected }）
errors-input-not-a-number = 不是有效的数字
errors-bearer-usage = 请使用 Authorization: Bearer <令牌>
errors-bearer-expected = 需要 Bearer 令牌
errors-csrf-failed = 缺少 X-CSRF-Token 请求头或其值不正确
errors-csrf-field = 必须与会话的 csrf_token 一致

## 页面和订单查询
errors-event-action = 须为发布、取消或结束
errors-lookup-email = 请输入电子邮箱地址，例如 name@example.org
errors-lookup-reference = 请输入订单号（最多 { $max } 个字符）

## 与已存数据的核对
errors-no-such-ticket-type = 本活动没有这个票种
errors-value-not-a-ticket-type = { $value } 不是本活动的票种
errors-not-part-of-event = 不属于本活动
errors-priced-in = 本活动的票种以 { $currency } 定价
errors-no-such-venue = 本组织没有这个场馆
errors-payout-at-most = 应付给组织的金额最多为 { $amount }
errors-more-than-left = 超过了可退的剩余金额

## 所选座位
errors-not-sold-by-seat = 本活动不按座位售票
errors-seat-request-count = 每次须选择 1 到 { $max } 个座位，而不是 { $requested } 个
errors-wheelchair-party = 为 { $count } 人申请了 { $spaces } 个轮椅位，超过了人数
errors-unknown-seat-category = 未知的座位类别 { $value }
errors-seat-without-zone = { $label } 没有对应的价格区
errors-seat-problems = 无法选择这些座位：{ $detail }
errors-seat-list-problems = 所选座位有误：{ $detail }
errors-zone-seat-limit = 每个订单在此价格区最多可选 { $max } 个座位

## 读取时由类型本身检查的值
errors-timezone = 须为 IANA 时区名称，例如 Asia/Shanghai 或 Europe/Berlin
errors-unknown-timezone = 未知的 IANA 时区“{ $value }”
errors-unknown-currency = 未知的 ISO 4217 货币代码“{ $value }”

## 座位图文件和 API 自身的回答
errors-map-content-type = 请以 application/json 或 text/csv 格式发送座位图
errors-map-too-large = 座位图文件最大为 { $mib } MiB
errors-map-not-utf8 = 座位图不是 UTF-8 文本
errors-map-export-format = 格式须为 json 或 csv
errors-no-such-endpoint = 没有这个接口
errors-method-not-allowed = 此接口不支持该请求方法
errors-idempotency-key-in-use = 正被一个仍在处理中的请求使用
errors-seat-shape = 须为 rectangular（矩形）、curved（弧形）或 stadium（体育场）之一
errors-tier-until-past = 须为将来的时间
errors-tier-needs-end = 请填写票数、结束时间或两者:没有结束条件的档位会使票种原价永远不适用
errors-tier-count = 每个票种最多 { $max } 个价格档位
errors-ceiling-below-floor = 不得低于 floor_minor
errors-required-for-rule = 此规则必填
