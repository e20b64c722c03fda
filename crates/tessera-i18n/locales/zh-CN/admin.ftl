# 平台管理员的页面：所有组织和所有账户。

admin-title = 平台管理
admin-sections = 平台管理
admin-orgs = 组织
admin-users = 用户
admin-name = 名称
admin-handle = 标识
admin-two-factor-required = 要求双重验证
admin-created = 创建时间
admin-members-and-roles = 成员与角色
admin-email = 电子邮箱
admin-platform-admin = 平台管理员
admin-two-factor = 双重验证
admin-joined = 注册时间
admin-yes = 是
admin-no = 否
admin-on = 已启用
admin-off = 未启用
admin-no-orgs = 还没有组织。
admin-no-more = 没有更多条目。
admin-pages = 分页
admin-page = 第 { $page } 页
admin-previous = 上一页
admin-next = 下一页
