# 礼品卡：错误、店面的“使用礼品卡支付”、控制台的礼品卡标签页和扫码页的核销模式。

giftcards-error-code-shape = 这不是礼品卡卡号，或者有输入错误，请检查。
giftcards-error-expiry-past = 必须是将来的时间。

errors-code-gift-card-unknown = 礼品卡不存在。
errors-code-gift-card-disabled = 此礼品卡已停用。
errors-code-gift-card-expired = 此礼品卡已过期。
errors-code-gift-card-empty = 此礼品卡余额为零。
errors-code-gift-card-currency = 此礼品卡的币种与订单不同。
errors-code-gift-card-insufficient = 此礼品卡的余额不足。

giftcards-pay-with-card = 使用礼品卡支付
giftcards-pay-with-card-hint = 礼品卡先支付其余额可覆盖的部分，其余部分照常支付。
giftcards-apply = 使用礼品卡
giftcards-paid-with-card = 礼品卡已支付：{ $amount }。
giftcards-left-to-pay = 待支付：{ $amount }

giftcards-title = 礼品卡
giftcards-intro = 礼品卡可全部或部分支付本组织的订单，也可在场馆的柜台消费（扫码页的核销模式）。卡号只在发卡时完整显示一次。
giftcards-none = 还没有礼品卡。
giftcards-code = 卡号
giftcards-state = 状态
giftcards-balance = 余额
giftcards-value = 面值
giftcards-currency = 币种
giftcards-expires = 到期
giftcards-expires-utc = 到期（UTC）
giftcards-expires-hint = 可选。留空则永不过期。
giftcards-no-expiry = 永不过期
giftcards-note = 备注
giftcards-created = 发卡时间
giftcards-issued-by = 发卡人
giftcards-new-title = 发放礼品卡
giftcards-issue = 发放礼品卡
giftcards-issued = 礼品卡已发放。
giftcards-issued-title = 新礼品卡，面值 { $value }
giftcards-code-once = 请立即复制卡号并交给持卡人：卡号不会再次完整显示。
giftcards-state-active = 有效
giftcards-state-disabled = 已停用
giftcards-state-expired = 已过期
giftcards-state-spent = 已用完
giftcards-error-currency = 币种代码，例如 EUR。
giftcards-error-value = 以该币种表示的金额，例如 50.00。
giftcards-error-date = 日期和时间，例如 2027-12-31T23:59。
giftcards-card-title = 礼品卡 { $code }
giftcards-back = 全部礼品卡
giftcards-disable = 停用此卡
giftcards-enable = 启用此卡
giftcards-log = 记录
giftcards-when = 时间
giftcards-what = 内容
giftcards-amount = 金额
giftcards-balance-after = 变动后余额
giftcards-order = 订单
giftcards-who = 操作人
giftcards-kind-issue = 发卡
giftcards-kind-checkout = 支付订单
giftcards-kind-counter = 柜台消费
giftcards-kind-refund = 退款至礼品卡
giftcards-kind-adjust = 调整

giftcards-redeem-title = 核销礼品卡和优惠券
giftcards-redeem-link = 在柜台核销礼品卡
giftcards-look-up = 查询余额
giftcards-redeem = 从卡中扣除
giftcards-redeem-amount = 扣除金额（{ $currency }）
giftcards-redeemed = 已扣除 { $amount }。卡内余额：{ $balance }。
