# 系列：按规则重复的活动、日历及其错误。

## Errors
errors-series-rrule = 须为如 FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10 的规则（FREQ=DAILY、WEEKLY 或 MONTHLY；INTERVAL；每周可用 BYDAY；每月可用 BYMONTHDAY；COUNT 或 UNTIL=YYYYMMDD）
errors-series-too-many = 产生的场次超过 { $max } 场
errors-series-empty = 未产生任何场次
errors-series-times = 须为 1 到 { $max } 个不重复的时间，如 09:30
errors-series-date = 须为日期，如 2027-05-01
errors-series-too-many-dates = 最多 { $max } 个日期

## Listing
series-daily-from = 每天，自 { $date } 起
series-weekly-from = 每周，自 { $date } 起
series-monthly-from = 每月，自 { $date } 起

## Calendar
series-months = 月份
series-month = { $year } 年 { $month } 月
series-prev-month = ← 上个月
series-next-month = 下个月 →
series-mo = 一
series-tu = 二
series-we = 三
series-th = 四
series-fr = 五
series-sa = 六
series-su = 日
series-day-none = { $day } 日：无场次
series-day-sold-out = { $day } 日：已售罄
series-day-times = { $count ->
   *[other] { $day } 日：{ $count } 个场次
}
series-sold-out-short = 售罄
series-sold-out = 已售罄
series-cancelled = 已取消
series-left = { $count ->
   *[other] 剩余 { $count } 张
}
series-no-dates-month = 本月没有场次。
series-times-on = { $date } 的场次
series-no-times = 这一天没有场次。
series-pick-day = 请选择日期查看场次。
series-other-dates = 其他日期

## The confirmation e-mail's calendar file
mail-confirmation-calendar = 将日期添加到日历
mail-confirmation-calendar-link = 日历文件（.ics）

## Dashboard
series-dashboard-title = 系列
series-dashboard-link = 系列（重复举行的活动）
series-dashboard-intro = 系列按规则重复：每个日期和开始时间都会成为一场独立的活动，拥有自己的容量，销售和检票与普通活动相同。
series-none = 还没有系列。
series-col-title = 标题
series-col-rule = 规则
series-col-status = 状态
series-status-draft = 草稿
series-status-published = 已发布
series-new = 新建系列
series-field-title = 标题
series-field-description = 简介
series-field-venue = 场馆
series-field-category = 类别
series-field-freq = 重复
series-freq-daily = 每天
series-freq-weekly = 每周
series-freq-monthly = 每月
series-field-interval = 间隔（天、周或月）
series-field-days = 在这些日子（每周）
series-field-monthdays = 在每月的这些日期（每月，如 1, 15, -1 表示最后一天）
series-field-first-date = 首个日期
series-field-count = 日期数量
series-field-until = 或截止到（最后日期）
series-field-times = 开始时间（如 10:00, 14:00）
series-field-exdates = 排除的日期（YYYY-MM-DD，用逗号分隔）
series-field-rdates = 增加的日期（YYYY-MM-DD，用逗号分隔）
series-field-duration = 时长（分钟）
series-field-capacity = 每场票数（各票种共享）
series-field-currency = 货币
series-field-type-name = 票种 { $n }
series-field-type-price = 票种 { $n } 的价格
series-create = 创建系列及其日期
series-bad-currency = 请输入货币代码，如 EUR
series-bad-amount = 请输入金额，如 12.50
series-pick-venue = 请选择场馆和类别
series-saved = 已保存。
series-public-page = 公开日历
series-publish = 发布系列及其所有日期
series-published-note = 已发布：所有日期均在售。
series-occurrences = 日期
series-col-when = 时间
series-col-sold = 已售
series-col-actions = 操作
series-remove = 删除
series-has-orders = 已有订单：请在其页面取消
series-next-page = 更多日期 →
series-change-title = 修改此日期及之后的所有日期
series-change-intro = 从所填日期起，新规则不再产生的日期将被删除（若已有订单则拒绝），新日期将被创建，其余日期采用新的容量和价格。已售门票保持原价。如只修改一个日期，请打开该日期。
series-field-from = 自（日期）
series-field-rrule = 规则（RRULE）
series-change = 从此日期起应用
