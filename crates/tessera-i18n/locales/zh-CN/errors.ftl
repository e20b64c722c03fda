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
