//! Every UI string in 简体中文 and English. A string is a [`Msg`] variant and `t` matches on
//! both the language and the message, so a message without one of its translations does not
//! compile.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    #[serde(rename = "zh-CN")]
    Zh,
    #[serde(rename = "en")]
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }
    pub fn from_code(code: &str) -> Option<Lang> {
        let c = code.to_ascii_lowercase();
        if c.starts_with("zh") {
            Some(Lang::Zh)
        } else if c.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }
    pub fn is_zh(self) -> bool {
        self == Lang::Zh
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Msg {
    AppName,
    Tagline,
    NavDashboard,
    NavCustomers,
    NavSegments,
    NavFunnels,
    NavImport,
    NavSettings,
    Language,
    NotSaved,
    NotSavedHint,
    EmptyTitle,
    EmptyBody,
    LoadDemo,
    Generating,
    Customers,
    Orders,
    Events,
    Activities,
    Gmv,
    SearchPlaceholder,
    MatchingCustomers,
    NewCustomer,
    Name,
    Phone,
    Email,
    City,
    Channel,
    MemberLevel,
    Tags,
    TagsHint,
    Owner,
    TotalSpent,
    LastOrder,
    Save,
    Delete,
    Close,
    Saved,
    Deleted,
    CustomerCreated,
    ConfirmDeleteCustomer,
    ErrNameRequired,
    ErrPhone,
    ErrEmail,
    NoOrders,
    NoActivities,
    OrderNo,
    Time,
    Amount,
    Status,
    Paid,
    Refunded,
    Profile,
    RecentEvents,
    NoMatch,
    ComingTitle,
    ComingSegments,
    ComingFunnels,
    ComingImport,
    Storage,
    StorageUsed,
    StorageWarn,
    DemoData,
    DemoSizeHint,
    DemoLarge,
    ResetData,
    ConfirmReplaceDemo,
    ConfirmReset,
    DataReset,
    Yes,
    No,
    DemoLoaded,
    QuotaFull,
    SaveFailed,
    UnreadableTitle,
    UnreadableBody,
    DownloadRaw,
    StartFresh,
    ConfirmStartFresh,
    Migrated,
    MigratedNotSaved,
    InMemoryOnly,
    Dashboard,
    DashboardHint,
    Dismiss,
    DuplicateOf,
    SaveAgainToKeep,
    OpenExisting,
    KindCall,
    KindVisit,
    KindMessage,
    KindCare,
    KindComplaint,
    KindNote,
    KindOwnerChange,
    AddActivity,
    ActivityKindLabel,
    ActivityText,
    Outcome,
    NextFollowUp,
    ActivityAdded,
    ErrActivityText,
    Selected,
    SelectAllMatching,
    AddTag,
    RemoveTag,
    TagPlaceholder,
    AssignOwner,
    OwnerPlaceholder,
    ClearSelection,
    Undo,
    Undone,
    ConfirmBulkDelete,
    BulkDone,
    BulkDeleted,
    CustomersUnit,
    SelectRow,
    AllValues,
    Filters,
    ClearFilters,
    Columns,
    RevealPhones,
    HidePhones,
}

pub fn t(lang: Lang, msg: Msg) -> &'static str {
    use Msg::*;
    match lang {
        Lang::Zh => match msg {
            AppName => "客知",
            Tagline => "客户运营工作台",
            NavDashboard => "概览",
            NavCustomers => "客户",
            NavSegments => "分群",
            NavFunnels => "漏斗",
            NavImport => "导入",
            NavSettings => "设置",
            Language => "语言",
            NotSaved => "未保存",
            NotSavedHint => "当前数据只在本页面内存中，刷新后会丢失",
            EmptyTitle => "还没有客户数据",
            EmptyBody => "加载演示数据，马上体验客户列表、分析与分群；数据只保存在本浏览器中。",
            LoadDemo => "加载演示数据",
            Generating => "正在生成演示数据…",
            Customers => "客户",
            Orders => "订单",
            Events => "行为事件",
            Activities => "跟进记录",
            Gmv => "成交额 (GMV)",
            SearchPlaceholder => "搜索姓名、手机号、邮箱或 ID",
            MatchingCustomers => "位客户",
            NewCustomer => "新建客户",
            Name => "姓名",
            Phone => "手机",
            Email => "邮箱",
            City => "城市",
            Channel => "渠道",
            MemberLevel => "会员等级",
            Tags => "标签",
            TagsHint => "用逗号分隔",
            Owner => "客户经理",
            TotalSpent => "累计消费",
            LastOrder => "最近下单",
            Save => "保存",
            Delete => "删除",
            Close => "关闭",
            Saved => "已保存",
            Deleted => "已删除",
            CustomerCreated => "客户已创建",
            ConfirmDeleteCustomer => "确定删除这位客户及其订单、行为和跟进记录吗？",
            ErrNameRequired => "请填写姓名",
            ErrPhone => "手机号应为 11 位、以 1 开头；国际号码请以 + 开头",
            ErrEmail => "邮箱格式不正确",
            NoOrders => "暂无订单",
            NoActivities => "暂无跟进记录",
            OrderNo => "订单号",
            Time => "时间",
            Amount => "金额",
            Status => "状态",
            Paid => "已支付",
            Refunded => "已退款",
            Profile => "基本信息",
            RecentEvents => "最近行为",
            NoMatch => "没有符合条件的客户",
            ComingTitle => "尚未开放",
            ComingSegments => "分群构建器（嵌套条件、实时人数、动态与静态分群）正在开发中。",
            ComingFunnels => "漏斗分析（有序转化步骤、转化窗口、流失与转化时长）正在开发中。",
            ComingImport => "导入 CSV / Excel 客户、订单与行为数据的功能正在开发中。",
            Storage => "本地存储",
            StorageUsed => "已使用",
            StorageWarn => "本地存储已用超过 80%，继续增加数据可能无法保存。",
            DemoData => "演示数据",
            DemoSizeHint => {
                "选择演示数据规模。较大的数据集超出浏览器存储空间时只在内存中运行，并标记为“未保存”。"
            }
            DemoLarge => "位客户",
            ResetData => "清除全部数据",
            ConfirmReplaceDemo => "加载演示数据会替换当前的全部数据。确定继续吗？",
            ConfirmReset => "确定清除本浏览器中的全部客户数据吗？此操作无法撤销。",
            DataReset => "数据已清除",
            Yes => "确定",
            No => "取消",
            DemoLoaded => "演示数据已加载",
            QuotaFull => "浏览器存储空间已满：数据保留在本页面中但未保存，之前保存的数据没有改变。",
            SaveFailed => "保存失败",
            UnreadableTitle => "无法读取已保存的数据",
            UnreadableBody => {
                "已保存的数据无法读取，客知不会覆盖它。你可以先下载原始数据备份，再重新开始。"
            }
            DownloadRaw => "下载原始数据",
            StartFresh => "重新开始",
            ConfirmStartFresh => "重新开始会删除无法读取的已保存数据。确定已下载备份了吗？",
            Migrated => "已将旧版本保存的数据升级到新格式",
            MigratedNotSaved => "旧版本的数据已读取，但空间不足无法以新格式保存；旧数据保持不变。",
            InMemoryOnly => "数据过大，无法存入浏览器本地存储，仅在内存中运行",
            Dashboard => "概览",
            DashboardHint => "全部数据的概况。分析指标（RFM、生命周期、复购率）即将上线。",
            Dismiss => "关闭",
            DuplicateOf => "手机号或邮箱与已有客户重复：",
            SaveAgainToKeep => "再次点击“保存”仍会保存。",
            OpenExisting => "打开已有客户",
            KindCall => "电话",
            KindVisit => "拜访",
            KindMessage => "消息",
            KindCare => "关怀",
            KindComplaint => "投诉",
            KindNote => "备注",
            KindOwnerChange => "更换客户经理",
            AddActivity => "记录跟进",
            ActivityKindLabel => "类型",
            ActivityText => "内容",
            Outcome => "结果",
            NextFollowUp => "下次跟进",
            ActivityAdded => "跟进已记录",
            ErrActivityText => "请填写跟进内容",
            Selected => "已选",
            SelectAllMatching => "选择全部匹配的客户",
            AddTag => "添加标签",
            RemoveTag => "移除标签",
            TagPlaceholder => "标签",
            AssignOwner => "分配客户经理",
            OwnerPlaceholder => "客户经理（留空为取消分配）",
            ClearSelection => "取消选择",
            Undo => "撤销",
            Undone => "已撤销",
            ConfirmBulkDelete => "确定删除所选客户及其全部记录吗？可以在提示中撤销。",
            BulkDone => "已更新",
            BulkDeleted => "已删除",
            CustomersUnit => "位客户",
            SelectRow => "选择",
            AllValues => "全部",
            Filters => "筛选",
            ClearFilters => "清除筛选",
            Columns => "显示列",
            RevealPhones => "显示手机号",
            HidePhones => "隐藏手机号",
        },
        Lang::En => match msg {
            AppName => "kezhi",
            Tagline => "Customer operations workbench",
            NavDashboard => "Dashboard",
            NavCustomers => "Customers",
            NavSegments => "Segments",
            NavFunnels => "Funnels",
            NavImport => "Import",
            NavSettings => "Settings",
            Language => "Language",
            NotSaved => "Not saved",
            NotSavedHint => "This data lives only in this page's memory and is lost on reload",
            EmptyTitle => "No customers yet",
            EmptyBody => {
                "Load the demo data to try the customer list, analytics and segments. Data stays in this browser."
            }
            LoadDemo => "Load demo data",
            Generating => "Generating demo data…",
            Customers => "Customers",
            Orders => "Orders",
            Events => "Events",
            Activities => "Activities",
            Gmv => "GMV",
            SearchPlaceholder => "Search name, phone, e-mail or ID",
            MatchingCustomers => "customers",
            NewCustomer => "New customer",
            Name => "Name",
            Phone => "Phone",
            Email => "E-mail",
            City => "City",
            Channel => "Channel",
            MemberLevel => "Member level",
            Tags => "Tags",
            TagsHint => "comma-separated",
            Owner => "Account manager",
            TotalSpent => "Total spent",
            LastOrder => "Last order",
            Save => "Save",
            Delete => "Delete",
            Close => "Close",
            Saved => "Saved",
            Deleted => "Deleted",
            CustomerCreated => "Customer created",
            ConfirmDeleteCustomer => {
                "Delete this customer with their orders, events and activities?"
            }
            ErrNameRequired => "Name is required",
            ErrPhone => {
                "A mobile number has 11 digits starting with 1; start international numbers with +"
            }
            ErrEmail => "This is not a valid e-mail address",
            NoOrders => "No orders yet",
            NoActivities => "No activities yet",
            OrderNo => "Order no.",
            Time => "Time",
            Amount => "Amount",
            Status => "Status",
            Paid => "Paid",
            Refunded => "Refunded",
            Profile => "Profile",
            RecentEvents => "Recent behaviour",
            NoMatch => "No customers match",
            ComingTitle => "Not available yet",
            ComingSegments => {
                "The segment builder (nested rules, live counts, dynamic and static segments) is being built."
            }
            ComingFunnels => {
                "Funnel analysis (ordered steps, conversion windows, drop-off, time to convert) is being built."
            }
            ComingImport => {
                "Importing customers, orders and events from CSV and Excel is being built."
            }
            Storage => "Local storage",
            StorageUsed => "Used",
            StorageWarn => "Local storage is over 80% full; more data may not be saved.",
            DemoData => "Demo data",
            DemoSizeHint => {
                "Choose the size of the demo. Sets too large for the browser's storage run in memory and are labelled “Not saved”."
            }
            DemoLarge => "customers",
            ResetData => "Delete all data",
            ConfirmReplaceDemo => "Loading the demo replaces all current data. Continue?",
            ConfirmReset => "Delete all customer data in this browser? This cannot be undone.",
            DataReset => "All data deleted",
            Yes => "Yes",
            No => "No",
            DemoLoaded => "Demo data loaded",
            QuotaFull => {
                "The browser's storage is full: the data is kept in this page but not saved; what was saved before is unchanged."
            }
            SaveFailed => "Saving failed",
            UnreadableTitle => "Stored data cannot be read",
            UnreadableBody => {
                "The data stored in this browser cannot be read, and kezhi will not overwrite it. Download the raw data first, then start fresh."
            }
            DownloadRaw => "Download raw data",
            StartFresh => "Start fresh",
            ConfirmStartFresh => {
                "Starting fresh deletes the unreadable stored data. Have you downloaded it?"
            }
            Migrated => "Data saved by an older version was upgraded to the new format",
            MigratedNotSaved => {
                "Data from an older version was read but there is no room to save it in the new format; the old data is unchanged."
            }
            InMemoryOnly => "Too large for the browser's local storage: running in memory only",
            Dashboard => "Dashboard",
            DashboardHint => {
                "An overview of all data. Analytics (RFM, lifecycle, repurchase rate) are coming next."
            }
            Dismiss => "Dismiss",
            DuplicateOf => "The phone or e-mail is already used by",
            SaveAgainToKeep => "Click Save again to save anyway.",
            OpenExisting => "Open the existing customer",
            KindCall => "Call",
            KindVisit => "Visit",
            KindMessage => "Message",
            KindCare => "Care",
            KindComplaint => "Complaint",
            KindNote => "Note",
            KindOwnerChange => "Manager changed",
            AddActivity => "Record a follow-up",
            ActivityKindLabel => "Type",
            ActivityText => "What happened",
            Outcome => "Outcome",
            NextFollowUp => "Next follow-up",
            ActivityAdded => "Follow-up recorded",
            ErrActivityText => "Describe the follow-up",
            Selected => "Selected",
            SelectAllMatching => "Select all matching",
            AddTag => "Add tag",
            RemoveTag => "Remove tag",
            TagPlaceholder => "Tag",
            AssignOwner => "Assign manager",
            OwnerPlaceholder => "Manager (empty to unassign)",
            ClearSelection => "Clear selection",
            Undo => "Undo",
            Undone => "Undone",
            ConfirmBulkDelete => {
                "Delete the selected customers with all their records? You can undo from the message."
            }
            BulkDone => "Updated",
            BulkDeleted => "Deleted",
            CustomersUnit => "customers",
            SelectRow => "Select",
            AllValues => "All",
            Filters => "Filters",
            ClearFilters => "Clear filters",
            Columns => "Columns",
            RevealPhones => "Show phone numbers",
            HidePhones => "Mask phone numbers",
        },
    }
}
