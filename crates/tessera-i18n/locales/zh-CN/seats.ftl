# 座位：购票人选座、主办方的座位页、座位图编辑器和活动图片。

## Names of seats
seats-row = { $row }排
seats-row-seat = { $row }排 · { $seat }座
seats-seat-name = { $section } · { $row }排 · { $seat }座
seats-section = 区域 { $section }
seats-free = 空余 { $count }
seats-wheelchair = 轮椅位
seats-companion = 陪同座位
seats-restricted = 视线受限
seats-aisle = 靠过道

## The buyer's seat choice
seats-choose = 选择座位
seats-price-zone = 价区
seats-price = 价格
seats-seats-free = 空余座位
seats-list = 座位列表
seats-sections = 区域
seats-skip-list = 跳过座位列表
seats-other-sections = 您在其他区域选择的座位
seats-best = 最佳座位
seats-best-note = 我们为您挑选相邻的最佳空座。
seats-how-many = 座位数量
seats-any = 任意
seats-wheelchair-spaces = 轮椅位数量
seats-reserve = 预订方式
seats-mode-chosen = 我选择的座位
seats-mode-best = 最佳空余座位
seats-choose-one = 请至少选择一个座位，或选择最佳座位
seats-how-many-missing = 需要几个座位？
seats-whole-number = 请输入整数
seats-not-a-seat = “{ $id }”不是本活动的座位
seats-chosen-twice = { $seat } 被重复选择
seats-just-taken = { $seat } 刚刚被他人选走，请另选座位
seats-not-for-sale = { $seat } 不出售
seats-cannot-block = { $seat } 已被保留或售出，只能锁定空余座位
seats-not-blocked = { $seat } 未被锁定

## States
seats-state-available = 可选
seats-state-taken = 不可选
seats-state-held = 保留中
seats-state-sold = 已售
seats-state-blocked = 已锁定
seats-state-chosen = 已选

## The map (seatmap.js)
seats-map = 座位图
seats-zoom-in = 放大
seats-zoom-out = 缩小
seats-fit = 显示全图
seats-stage = 舞台
seats-your-seats = 您的座位
seats-none-chosen = 尚未选择座位。
seats-subtotal = 小计
seats-remove = 移除
seats-at-most = 每单最多 { $max } 个座位。
seats-map-help = 点按座位即可选择。拖动移动地图，双指或 + / − 缩放。
seats-map-keys = 座位图：方向键在座位间移动，回车或空格选择，+ 和 − 缩放。
seats-zoom-to-choose = 请放大后选择座位。
seats-taken-by-other = { $seat } 刚被他人选走。
seats-best-when-reserving = 预订时我们将为您挑选相邻的最佳座位。
seats-map-failed = 座位图无法加载，请使用座位列表。
seats-order = 订单
seats-nothing-chosen = 请先在座位图或列表中选择座位。
seats-working = 处理中…
seats-select-help = 选择要锁定或释放的座位。
seats-selected = 已选
seats-clear = 清除
seats-list-keys = 方向键在座位间移动，空格键选择，Tab 键离开列表。
seats-count-label = 座位

## The organizer's seat page
seats-title = 座位 · { $event }
seats-back = ← 返回活动：{ $event }
seats-available = 可售
seats-held = 保留中
seats-sold = 已售
seats-blocked = 已锁定
seats-block = 锁定所选座位
seats-release = 释放所选座位
seats-blocked-note = 锁定的座位不对外出售（如制作、媒体用），直至释放。
seats-taken-title = 保留和已售座位
seats-seat = 座位
seats-state = 状态
seats-buyer = 购票人
seats-none-taken = 本区域没有保留或已售的座位。
seats-done-blocked = 已锁定 { $count } 个座位。
seats-done-released = 已释放 { $count } 个座位。
seats-earlier = 上一页
seats-later = 下一页
seats-page-of = 第 { $page } / { $pages } 页

## Selling an event by seat
seats-not-seated = 此活动不按座位销售。
seats-setup-title = 按座位销售此活动
seats-setup-intro = 座位将从场馆“{ $venue }”的座位图复制。请为每个座位类别选择对应的票种。
seats-setup-category = 类别“{ $category }”（{ $count } 个座位）
seats-setup-choose-type = 选择票种
seats-setup-submit = 按座位销售
seats-setup-no-map = 场馆“{ $venue }”还没有座位图。
seats-setup-no-types = 请先为活动添加票种：每个座位类别都按其中一种票种销售。
seats-setup-edit-map = 绘制场馆座位图
seats-setup-change = 更改各座位类别对应的票种
seats-setup-done = 此活动现已按座位销售。
seats-setup-pick-type = 请选择此类别对应的票种

## The seat-map editor
seats-editor-title = { $venue } 的座位图
seats-editor-back = ← 返回场馆：{ $venue }
seats-editor-intro = 逐排绘制场馆座位。每排座位从起始编号开始依次编号、等距排列，可向舞台方向弯曲。
seats-editor-import = 您也可以在场馆页面导入座位图文件。
seats-editor-empty = 此场馆还没有座位图：请添加第一排。
seats-editor-summary = 共 { $seats } 个座位，{ $sections } 个区域。
seats-editor-rows = 区域和排
seats-editor-row-summary = { $row }排：{ $count } 个座位，类别 { $category }
seats-editor-add-row = 添加一排
seats-editor-section = 区域
seats-editor-section-hint = 填写已有区域的名称，新排将加在该区域最后一排之后；填写新名称则新建区域。
seats-editor-row-label = 排号
seats-editor-seat-count = 座位数
seats-editor-start = 起始座号
seats-editor-spacing = 座位间距
seats-editor-curve = 弧度
seats-editor-curve-hint = 0 为直排；1 表示两端向后弯曲一个座位间距。
seats-editor-category = 类别
seats-editor-add = 添加此排
seats-editor-row-added = 已在 { $section } 添加第 { $row } 排。
seats-editor-saved = 座位图已保存：共 { $seats } 个座位。
seats-editor-problem = { $place }：{ $problem }
seats-editor-row-name = { $section } · { $row }排
seats-editor-need-text = 请输入名称
seats-editor-too-long = 最多 { $max } 个字符
seats-editor-need-number = 请输入 { $min } 到 { $max } 之间的数字
seats-editor-need-whole = 请输入 { $min } 到 { $max } 之间的整数
seats-editor-row-exists = { $section } 已有第 { $row } 排

## The editor's tools (seat-editor.js)
seats-editor-tools = 编辑工具
seats-editor-canvas = 座位图编辑器：方向键在座位间移动，空格键选择，Shift 加方向键移动所选座位。
seats-editor-help = 点击座位即可选中，按住 Shift 点击可加选，拖出方框可选中多个座位。
seats-editor-selected = { $count ->
    [0] 未选择座位。
   *[other] 已选择 { $count } 个座位。
}
seats-editor-select-all = 全选
seats-editor-select-none = 取消选择
seats-editor-set-category = 设置类别
seats-editor-apply = 应用
seats-editor-flags = 标记所选座位
seats-editor-flags-clear = 清除标记
seats-editor-renumber = 重新编号，起始为
seats-editor-move = 移动所选座位
seats-editor-move-left = 向左
seats-editor-move-right = 向右
seats-editor-move-up = 向前
seats-editor-move-down = 向后
seats-editor-delete = 删除所选座位
seats-editor-save = 保存座位图
seats-editor-saving = 正在保存…
seats-editor-unsaved = 更改尚未保存。
seats-editor-refused = 座位图未保存：
seats-editor-failed = 编辑器无法加载，请使用下方表单。

## Event images
seats-image-title = { $event } 的图片
seats-image-back = ← 返回活动：{ $event }
seats-image-intro = 图片显示在活动页面和活动列表中。系统会为手机和大屏幕生成不同尺寸，并删除其中的元数据（相机、地点等）。
seats-image-current = 当前图片
seats-image-none = 此活动还没有图片。
seats-image-file = 图片文件
seats-image-hint = 支持 JPEG、PNG 或 WebP，最大 { $megabytes } MB，每边最多 { $pixels } 像素；宽度至少 { $min } 像素效果最佳。
seats-image-upload = 上传图片
seats-image-replace = 更换图片
seats-image-remove = 删除图片
seats-image-remove-question = 确定删除活动图片吗？在您上传新图片之前，页面将不显示图片。
seats-image-remove-yes = 确定删除
seats-image-uploaded = 图片已保存。
seats-image-removed = 图片已删除。
seats-image-missing = 请选择图片文件
seats-image-not-image = 此文件不是 JPEG、PNG 或 WebP 图片
seats-image-broken = 无法读取此图片，文件可能已损坏
seats-image-too-large = 文件超过 { $megabytes } MB
seats-image-too-many-pixels = 图片为 { $width } × { $height } 像素；每边最多 { $max } 像素，总计最多 { $megapixels } 百万像素
