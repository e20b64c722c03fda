# 面向集成者：API 令牌、Webhook 端点和 API 参考页面的界面文字（各操作的说明来自 OpenAPI 文档）。

## Shared

developers-secret-once = 请立即复制：它不会再次显示。
developers-never = 从不
developers-status = 状态
developers-actions = 操作
developers-confirm-cancel = 取消并返回

## API tokens

developers-tokens-title = API 令牌
developers-tokens-none = 还没有 API 令牌。
developers-token-name = 名称
developers-token-role = 角色
developers-token-created = 创建时间
developers-token-expires = 到期
developers-token-last-used = 最近使用
developers-token-starts-with = 开头
developers-token-active = 有效
developers-token-expired = 已过期
developers-token-revoked = 已撤销
developers-token-revoke = 撤销
developers-token-revoke-title = 撤销令牌
developers-token-revoke-question = 要撤销令牌“{ $name }”吗？使用它的程序将立即停止工作。
developers-token-revoke-yes = 确认撤销
developers-token-new-title = 创建令牌
developers-token-role-hint = 令牌以其角色行事，不能超过您自己的角色。
developers-token-days = 有效天数（可选）
developers-token-days-hint = 留空则令牌在撤销前一直有效。
developers-token-days-number = 请输入整数天数，例如 30。
developers-token-name-required = 请为令牌命名，例如使用它的程序名称。
developers-token-choose-role = 请从列表中选择一个角色。
developers-token-submit = 创建令牌
developers-token-secret-title = 您的新 API 令牌
developers-token-send-as = 每次请求时这样发送：
developers-done-token-created = 令牌已创建。
developers-done-token-revoked = 令牌已撤销。

## Webhooks

developers-webhooks-title = Webhook
developers-webhooks-none = 还没有 Webhook 端点。
developers-webhook-endpoint = 端点
developers-webhook-event-types = 事件类型
developers-webhook-failures = 连续失败次数
developers-webhook-on = 启用
developers-webhook-off = 停用
developers-webhook-off-because = 已停用：{ $reason }
developers-webhook-new-title = 添加端点
developers-webhook-url = 端点地址（URL）
developers-webhook-description = 说明（可选）
developers-webhook-topics = 发送哪些事件
developers-webhook-topic-all = 所有事件，包括以后新增的
developers-webhook-topic-order-created = 下单
developers-webhook-topic-order-paid = 订单已付款
developers-webhook-topic-order-cancelled = 订单已取消
developers-webhook-topic-order-refunded = 订单已退款
developers-webhook-topic-ticket-checked-in = 门票已检票
developers-webhook-topic-ticket-transferred = 门票已转让
developers-webhook-topic-ticket-resold = 转售票已售出:卖家的门票作废,买家获得新票
developers-webhook-topic-waitlist-offered = 释放的门票已提供给候补买家
developers-webhook-topic-event-cancelled = 活动已取消
developers-webhook-signed = 消息按 Standard Webhooks 规范签名（webhook-id、webhook-timestamp、webhook-signature）。
developers-webhook-submit = 添加端点
developers-webhook-all = 所有 Webhook 端点
developers-webhook-secret-title = 签名密钥
developers-webhook-secret-label = 此端点的签名密钥
developers-webhook-secret-use = 用它验证我们的签名。
developers-webhook-send = 向此端点发送
developers-webhook-url-note = 如需更改地址，请添加新端点并删除此端点。
developers-webhook-save = 保存端点
developers-webhook-delete = 删除端点
developers-webhook-delete-question = 要删除端点 { $url } 吗？将不再向其发送任何内容。
developers-webhook-delete-yes = 确认删除
developers-webhook-deliveries = 投递记录
developers-webhook-deliveries-none = 尚未向此端点发送任何内容。
developers-webhook-event-type = 事件类型
developers-webhook-attempts = 尝试次数
developers-webhook-last-error = 最近错误
developers-webhook-next-attempt = 下次尝试：{ $when }
developers-webhook-send-again = 重新发送
developers-webhook-every-attempt = 每次尝试
developers-webhook-time = 时间
developers-webhook-http-status = HTTP 状态
developers-webhook-duration = 耗时
developers-webhook-duration-ms = { $ms } 毫秒
developers-webhook-error = 错误
developers-webhook-waiting = 等待中
developers-webhook-delivered = 已送达
developers-webhook-failed = 失败
developers-done-endpoint-created = 端点已添加。
developers-done-endpoint-saved = 端点已保存。
developers-done-endpoint-deleted = 端点已删除。
developers-done-redelivered = 该投递已排队重新发送。
developers-done-already-queued = 该投递已在队列中。

## The API reference

developers-api-reference = { $title } 参考文档
developers-api-machine-readable = 机器可读版本：
developers-api-error-shape = 错误的格式始终为
developers-api-contents = 目录
developers-api-about = 关于此 API
developers-api-schemas = 数据结构
developers-api-parameters = 参数
developers-api-parameter = 参数
developers-api-in = 位置
developers-api-type = 类型
developers-api-about-column = 说明
developers-api-body = 请求体：
developers-api-responses = 响应：
developers-api-field = 字段
developers-api-one-of = 取值之一：
developers-api-array-of = 数组，元素为
developers-api-object = 对象
developers-api-required = 标有 * 的字段和参数为必填。
