# 积分：错误、店面的“使用我的积分”、账户的积分页和控制台的积分标签页。

errors-code-points-insufficient = 你的积分不足。
errors-code-points-step = 积分须按整步兑换，请选择步长的整数倍。
errors-code-points-disabled = 此主办方没有积分计划。
errors-code-points-sign-in = 请登录下单时使用的账户后再使用积分。
loyalty-error-points = 请输入整数积分，例如 500。

loyalty-use-points = 使用我的积分
loyalty-points-hint = 你有 { $balance }（{ $rate }）。积分先抵扣，剩余部分照常支付。
loyalty-apply = 使用积分
loyalty-points-count = { $points } 积分
loyalty-rate = { $points } 积分 = { $value }

loyalty-title = 积分
loyalty-intro = 已登录的购票人在订单付款后获得积分（按积分以外的方式实际支付的金额计算），可在之后的订单中抵扣。退款会收回所退部分获得的积分，并退还该部分使用的积分。
loyalty-saved = 积分规则已保存。
loyalty-rule-title = 积分规则
loyalty-enabled = 购票人可获得和使用积分
loyalty-earn-per-unit = 每支付一个货币单位获得的积分
loyalty-redeem-points = 每个兑换步长的积分数
loyalty-redeem-value = 每个步长的价值（订单币种的最小单位）
loyalty-redeem-hint = 例如 100 积分和 100：每 100 积分抵扣 1.00。
loyalty-expiry-days = 积分有效天数
loyalty-expiry-hint = 自获得之日起计算；0 表示永不过期。
loyalty-save = 保存规则
loyalty-on = 积分已开启。
loyalty-off = 积分已关闭。
loyalty-report-title = 使用情况
loyalty-report-outstanding = 当前持有的积分
loyalty-report-holders = 持有积分的购票人
loyalty-report-earned = 已发放积分
loyalty-report-redeemed = 已兑换积分
loyalty-report-orders = 使用积分支付的订单
loyalty-report-expired = 已过期积分
loyalty-report-reversed = 因退款收回的积分
loyalty-report-returned = 因退款退还的积分
loyalty-top-title = 积分最多的购票人
loyalty-holder = 购票人
loyalty-email = 电子邮箱
loyalty-points = 积分

loyalty-my-points = 我的积分
loyalty-my-points-intro = 你在各主办方获得的积分、价值及过期时间。积分可用于支付发放它的主办方的订单。
loyalty-no-points = 暂无积分：主办方提供积分时，付款订单会为你带来积分。
loyalty-when = 时间
loyalty-what = 事项
loyalty-balance-after = 变动后余额
loyalty-expiry = 过期
loyalty-expires-left = 剩余 { $points }，{ $date } 过期
loyalty-never-expires = 永不过期
loyalty-kind-earn = 订单获得
loyalty-kind-redeem = 支付订单
loyalty-kind-expire = 已过期
loyalty-kind-reverse = 因退款收回
loyalty-kind-return = 因退款退还
loyalty-kind-adjust = 调整
loyalty-rate-minor = 每 { $points } 积分抵扣订单币种最小单位的 { $value }（100 = 1.00）
loyalty-paid-with-points = 积分已抵扣：{ $amount }。
loyalty-mail-paid = 你的 { $points } 积分抵扣了本订单 { $amount }。
loyalty-mail-earned = 本订单为你带来 { $points } 积分，可用于支付此主办方之后的订单。
