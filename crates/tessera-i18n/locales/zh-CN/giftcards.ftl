# 礼品卡：错误、店面的“使用礼品卡支付”、控制台的礼品卡标签页和扫码页的核销模式。

giftcards-error-code-shape = 这不是礼品卡卡号，或者有输入错误，请检查。
giftcards-error-expiry-past = 必须是将来的时间。

errors-code-gift-card-unknown = 礼品卡不存在。
errors-code-gift-card-disabled = 此礼品卡已停用。
errors-code-gift-card-expired = 此礼品卡已过期。
errors-code-gift-card-empty = 此礼品卡余额为零。
errors-code-gift-card-currency = 此礼品卡的币种与订单不同。
errors-code-gift-card-insufficient = 此礼品卡的余额不足。
