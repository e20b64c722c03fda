# 促销：优惠码、相关错误、购票页的优惠码输入框、控制台的“促销”标签页。

pricing-error-code-shape = 3 到 40 个字母、数字或下划线
pricing-error-code-typo = 优惠码有误，请检查后重新输入。
pricing-error-code-malformed = 这不是有效的优惠码格式。

errors-code-promo-unknown = 优惠码不存在。
errors-code-promo-other-event = 此优惠码适用于其他活动。
errors-code-promo-not-yet-valid = 此优惠码尚未生效。
errors-code-promo-expired = 此优惠码已过期。
errors-code-promo-exhausted = 此优惠码已被用完。
errors-code-promo-customer-limit = 您使用此优惠码的次数已达上限。
errors-code-promo-min-quantity = 订单中的门票数量不足，无法使用此优惠码。
errors-code-promo-not-applicable = 此优惠码不适用于所选门票。

pricing-promo-code = 优惠码
pricing-promo-code-hint = 选填，不区分大小写。
pricing-discount = 优惠
pricing-subtotal = 小计
pricing-list-price = 原价

pricing-tab = 促销
pricing-title = 促销：{ $event }
pricing-intro = 优惠码可为本活动的门票提供折扣。适用于整个组织的优惠码也会列在这里。
pricing-codes = 优惠码
pricing-no-codes = 还没有优惠码。
pricing-code = 优惠码
pricing-description = 说明
pricing-kind = 优惠方式
pricing-kind-percent = 按百分比减免
pricing-kind-amount = 订单减免固定金额
pricing-kind-fixed-price = 每张门票固定价格
pricing-value = 数值
pricing-value-hint = 百分比以基点计（1000 = 10%）；金额和固定价格以最小货币单位计（如分）。
pricing-currency = 币种
pricing-min-quantity = 最少门票数
pricing-valid-from = 生效时间（UTC）
pricing-valid-until = 失效时间（UTC）
pricing-max-uses = 总使用次数
pricing-max-uses-per-customer = 每位顾客使用次数
pricing-limit-hint = 留空表示不限。
pricing-unlocks-hidden = 同时解锁隐藏的票种
pricing-scope = 适用范围
pricing-scope-event = 本活动
pricing-scope-org = 本组织的所有活动
pricing-uses = 已使用
pricing-uses-of = { $uses } / { $max }
pricing-create = 创建优惠码
pricing-created = 优惠码已创建。
pricing-deleted = 优惠码已删除。
pricing-delete = 删除
pricing-delete-confirm = 确定删除优惠码 { $code } 吗？已使用它的订单会保留优惠。
pricing-batch = 生成一次性优惠码
pricing-batch-intro = 每个优惠码只能使用一次，末位是校验字符，输错时会立即提示。
pricing-prefix = 前缀
pricing-count = 数量
pricing-generate = 生成
pricing-generated = 已生成 { $count } 个优惠码。
pricing-download-csv = 下载 CSV
pricing-batch-label = 批次
pricing-see-uses = 订单
pricing-uses-title = 使用了 { $code } 的订单
pricing-no-uses = 还没有订单使用此优惠码。
