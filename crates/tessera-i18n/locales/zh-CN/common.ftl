# 多个页面和文件共用的词语。

common-tickets-count = { $count ->
   *[other] { $count } 张门票
}
common-category-concert = 音乐会
common-category-theatre = 戏剧
common-category-sports = 体育
common-category-conference = 会议
common-category-festival = 节庆
common-category-exhibition = 展览
common-category-comedy = 喜剧
common-category-family = 亲子
common-category-course = 课程
common-category-transport = 交通
common-category-other = 其他
common-all = 全部
common-category = 类别
common-save = 保存
common-cancel = 取消
common-confirm = 确认
common-back = 返回
common-close = 关闭
common-yes = 是
common-no = 否
common-optional = 选填
