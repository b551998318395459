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
    NavCohorts,
    NavImport,
    NavSettings,
    Language,
    NotSaved,
    NotSavedHint,
    EmptyTitle,
    EmptyBody,
    LoadDemo,
    Generating,
    PreparingBackup,
    Customers,
    Orders,
    Events,
    Activities,
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
    Storage,
    StorageUsed,
    StorageWarn,
    DemoData,
    DemoSizeHint,
    DemoLarge,
    ResetData,
    ConfirmReplaceDemo,
    ConfirmReset,
    ConfirmResetServer,
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
    Loading,
    SavingProgress,
    StorageRecordsHint,
    StorageLegacyHint,
    NoticeUnavailable,
    NoticeMigrationFailed,
    NoticeBlocked,
    NoticeVersionChanged,
    NoticeNewer,
    Reload,
    UpdateReady,
    DamagedTitle,
    DamagedBody,
    DamagedDownload,
    StorageQuotaLine,
    PersistKeep,
    PersistGranted,
    PersistDenied,
    PersistUnknown,
    PersistHint,
    Dashboard,
    Dismiss,
    AnalyticsSettingsTitle,
    AnalyticsSettingsHint,
    ReferenceDate,
    NewDays,
    MatureOrders,
    AtRiskDays,
    ChurnDays,
    RfmHigh,
    RestoreDefaults,
    Tier,
    RfmGroupLabel,
    ScoreR,
    ScoreF,
    ScoreM,
    ExportCsv,
    ExportXlsx,
    MaskOnExport,
    RfGrid,
    RfGridHint,
    Aov,
    RepeatRate,
    Buyers,
    NetSales,
    LifecycleMix,
    AovHint,
    RepeatHint,
    Lifecycle,
    CreatedAt,
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
    DateRange,
    From,
    To,
    Last3Months,
    Last12Months,
    AllTime,
    Gmv,
    NewBuyers,
    ReturningBuyers,
    Visitors,
    Conversion,
    PerBuyer,
    MonthlyGmv,
    NewVsReturning,
    SalesDecomposition,
    SalesDecompositionHint,
    Other,
    NoCity,
    ByChannel,
    ByCity,
    TopCustomers,
    ChurnReasonGap,
    ChurnReasonOnce,
    ChurnWarnings,
    OpenAsList,
    ChurnWarningsHint,
    NewlyAtRisk,
    NavToday,
    TodayTitle,
    TodayHint,
    TodayItems,
    TodayEmpty,
    WhoAmI,
    Everyone,
    MyCustomers,
    ReasonFollowUp,
    ReasonOverdue,
    ReasonBirthday,
    ReasonAtRisk,
    TodayPlannedToday,
    TodayOverdueDays,
    TodayBirthdayToday,
    TodayBirthdayTodayAge,
    TodayBirthdayIn,
    TodayBirthdayInAge,
    LastContact,
    NeverContacted,
    DaysAgo,
    TodayWord,
    ShowPhone,
    NoPhone,
    TodayDone,
    TodayConfirm,
    TodayCancel,
    Snooze,
    SnoozeTomorrow,
    SnoozeInThreeDays,
    SnoozeNextWeek,
    SnoozeOnDate,
    SnoozeApply,
    Snoozed,
    ShowMore,
    ShowAsChart,
    ShowAsTable,
    NoDataInRange,
    HoverForValues,
    LtvHistoric,
    LtvPredicted,
    LtvYears,
    LtvHint,
    Analysis,
    DaysSinceLastOrder,
    UsualGap,
    Computing,
    ManualStage,
    StageAutomatic,
    StageSetByHand,
    ManualMark,
    RCuts,
    FCuts,
    MCuts,
    CutsPlaceholder,
    CutsInvalid,
    RfmHelpTitle,
    RfmHelp,
    ValueTiers,
    ValueTiersHint,
    TierNameZh,
    TierNameEn,
    TierRuleLabel,
    TierMinSpend,
    TierTopPercent,
    TierValue,
    TierAdd,
    TierOther,
    MoveUp,
    MoveDown,
    SegmentQuery,
    SegmentQueryHint,
    SegmentErrorAt,
    SegmentName,
    SegmentStatic,
    SegmentStaticShort,
    SegmentDynamicShort,
    SegmentSaved,
    SegmentFixFirst,
    ImportHint,
    ImportKindLabel,
    ImportFile,
    ImportEncoding,
    ImportAuto,
    ImportSheet,
    ImportHasHeader,
    ImportMapping,
    NotMapped,
    ImportTimeZone,
    ImportDateOrder,
    ImportExisting,
    ImportKeep,
    ImportOverwrite,
    ImportPreview,
    ImportCommit,
    ImportCancel,
    ImportCancelled,
    FilesLoading,
    FilesUnavailable,
    FilesStopped,
    ImportDone,
    ImportImported,
    ImportSkipped,
    ImportErrors,
    ImportErrorsDownload,
    ImportRow,
    ImportColumn,
    ImportValue,
    ImportReason,
    ExportRecords,
    ExportOrders,
    ExportEvents,
    Backup,
    BackupHint,
    BackupDownload,
    BackupChoose,
    BackupTaken,
    BackupSettingsCount,
    BackupRestore,
    ConfirmRestore,
    Restored,
    FunnelNameNeeded,
    FunnelSaved,
    FunnelStepsUnit,
    SavedFunnels,
    FunnelName,
    NoSavedFunnels,
    FunnelStep,
    ChartRowLabel,
    FunnelAddFilter,
    FunnelSteps,
    FunnelAddStep,
    RepurchaseDays,
    FunnelWindow,
    UnitMinutes,
    UnitHours,
    FunnelMode,
    FunnelSequential,
    FunnelStrict,
    FunnelRangeFrom,
    FunnelOnlySegment,
    AllCustomersOption,
    CohortsTitle,
    CohortsHint,
    CohortFrom,
    CohortTo,
    CohortMetric,
    CohortByCustomers,
    CohortByRevenue,
    CohortShowHeatMap,
    CohortColumn,
    CohortPeriod,
    CohortName,
    CohortCellCustomers,
    CohortCellRevenue,
    CohortCustomersHint,
    CohortRevenueHint,
    CohortNone,
    CohortSegmentGone,
    FunnelSplitBy,
    FunnelNoSplit,
    FunnelOverTime,
    PeriodDay,
    PeriodWeek,
    FunnelFromFirst,
    FunnelFromPrevious,
    FunnelDropped,
    FunnelReachedList,
    FunnelDroppedList,
    FunnelEntered,
    FunnelConverted,
    FunnelOverall,
    FunnelUnknownRecords,
    CustomersUnitTitle,
    FunnelWhole,
    Median,
    Mean,
    FunnelChart,
    FunnelTimeHistogram,
    FunnelTimeTitle,
    SaveAsStaticSegment,
    StageFunnelTitle,
    StageFunnelHint,
    FilterFunnel,
    BuilderDrag,
    BuilderDropHere,
    SegmentDeleteReferenced,
    SegmentNameNeeded,
    SegmentPreview,
    SegmentTemplates,
    SavedSegments,
    NoSavedSegments,
    Duplicate,
    FilterSegment,
    BuilderTitle,
    BuilderNeedsValidText,
    BuilderAll,
    BuilderAny,
    BuilderNot,
    BuilderToggleOp,
    BuilderAddCondition,
    BuilderAddGroup,
    BuilderIndent,
    BuilderOutdent,
    BuilderField,
    BuilderEventType,
    BuilderWithinDays,
    BuilderDays,
    BuilderOperator,
    BuilderValue,
    BuilderUnit,
    UnitDays,
    UnitWeeks,
    UnitMonths,
    UnitYears,
    SegmentActOn,
    SegmentFollowUp,
    SegmentFollowUpHint,
    MaskExport,
    Rename,
    SegmentOverlap,
    OverlapAOnly,
    OverlapBoth,
    OverlapBOnly,
    SyncTitle,
    SyncHint,
    SyncUrl,
    SyncDb,
    SyncUser,
    SyncPassword,
    SyncRemember,
    SyncTest,
    SyncStart,
    SyncPause,
    SyncNow,
    SyncCreateDb,
    SyncTesting,
    SyncReady,
    SyncNoDb,
    SyncCreated,
    SyncCreateFailed,
    SyncErrUnreachable,
    SyncErrTimeout,
    SyncErrAuth,
    SyncErrNoDb,
    SyncErrStatus,
    SyncErrBad,
    SyncErrLocal,
    SyncNeedUrl,
    SyncStateOff,
    SyncStateSyncing,
    SyncStateSynced,
    SyncStateOffline,
    SyncStateError,
    SyncPending,
    SyncLast,
    SyncNever,
    SyncLastError,
    SyncRecords,
    SyncPulled,
    SyncConflicts,
    SyncConflictsHint,
    SyncNoConflicts,
    SyncKeepOther,
    SyncKeepThis,
    SyncField,
    SyncThisVersion,
    SyncOtherVersion,
    SyncOtherDeleted,
    // The team page: manager report and handover (issue 16).
    NavTeam,
    ManagerReport,
    Manager,
    Unassigned,
    PortfolioSpend,
    Spend90,
    SpendPrev90,
    SpendChange90,
    AtRiskCount,
    Contacts30,
    OverdueFollowUps,
    RecommendationsWon,
    WonAmount,
    Handover,
    HandoverHint,
    HandoverFrom,
    HandoverTo,
    HandoverReason,
    HandoverPreview,
    HandoverRun,
    HandoverReport,
    HandoverDone,
    CustomerName,
    NetSpend,
    OpenFollowUps,
    OpenRequests,
    OpenRecommendations,
    OpenTasks,
    Print,
    // Request cards (issue 16).
    NavRequests,
    RequestCards,
    NewRequest,
    RequestCategory,
    RequestDescription,
    RequestPriority,
    RequestDue,
    RequestDueHint,
    RequestOwner,
    AddRequest,
    RequestAdded,
    RequestUpdated,
    ReqStatusOpen,
    ReqStatusInProgress,
    ReqStatusResolved,
    ReqStatusClosed,
    PriorityLow,
    PriorityNormal,
    PriorityHigh,
    PriorityUrgent,
    CategoryConsultation,
    CategoryComplaint,
    CategoryNeed,
    CategoryService,
    RequestStart,
    RequestResolve,
    RequestClose,
    RequestReopen,
    RequestResolution,
    RequestOverdue,
    AllStatuses,
    OpenStatuses,
    AllCategories,
    AllOwners,
    OverdueOnly,
    NoRequests,
    ErrRequestNoCategory,
    ErrRequestNoDescription,
    ErrRequestNoResolution,
    ErrRequestDueBeforeOpened,
    RequestStatsTitle,
    RequestsPerWeek,
    RequestsOpened,
    RequestsResolved,
    RequestsInSla,
    RequestsMedian,
    RequestsOpenNow,
    RequestsOverdueNow,
    SlaSettings,
    SlaHours,
    AddCategory,
    NewCategoryName,
    RemoveCategory,
    // The account manager's desk (issue 16): recommendations and care campaigns.
    NavRecommendations,
    NavCampaigns,
    DeskManager,
    DeskEveryone,
    DeskNoManager,
    DeskShowMore,
    DeskTotal,
    RecHint,
    RecFollowUpTitle,
    RecFollowUpHint,
    RecRecommendedTitle,
    RecReason,
    RecReasonInterested,
    RecReasonNotRecommended,
    RecProduct,
    RecAmount,
    RecAmountOptional,
    RecRecommendedAt,
    RecWonAmount,
    RecConversionTitle,
    RecConversionHint,
    RecByManager,
    RecByProduct,
    RecMade,
    RecWonShare,
    RecStatusRecommended,
    RecStatusInterested,
    RecStatusWon,
    RecStatusDeclined,
    RecMarkInterested,
    RecMarkWon,
    RecMarkDeclined,
    RecReopen,
    RecAdd,
    RecAdded,
    RecNone,
    RecProductMissing,
    RecAmountInvalid,
    RecAmountNegative,
    CampHint,
    CampListTitle,
    CampNone,
    CampNew,
    CampOccasion,
    OccSpringFestival,
    OccMidAutumn,
    OccBirthday,
    OccMemberDay,
    OccCustom,
    OccCustomName,
    CampSegment,
    CampTypedQuery,
    CampQuery,
    CampMembers,
    CampTemplate,
    CampTemplateDefault,
    CampPlaceholders,
    CampPreview,
    CampCreate,
    CampCreated,
    CampNameMissing,
    CampOccasionMissing,
    CampTemplateMissing,
    CampNoMembers,
    CampMissing,
    CampProgress,
    CampContactedShare,
    CampResults,
    CampResultsHint,
    CampContacted,
    CampNotContacted,
    CampUplift,
    CampPoints,
    CampOpenWindows,
    CampTasks,
    CampExportCsv,
    CampCallList,
    CampNeverSends,
    CampMessage,
    CampNoTasks,
    TaskTodo,
    TaskDone,
    TaskNoAnswer,
    TaskDeclined,
    TaskMarkDone,
    TaskBackToDo,
    TaskCopy,
    TaskCopied,
    TaskSelected,
    TaskCareRecorded,
    ReasonRequest,
    ReasonCare,
    TodayRequestDue,
    TodayRequestPassed,
    TodayRequestLate,
    TodayCareNotYet,
    TodayDetails,
    TodayDoneRecorded,
    // Segment vs the rest (issue 17).
    CompareWithRest,
    CompareTitle,
    CompareHint,
    CompareBack,
    CompareChoose,
    CompareTypedQuery,
    CompareMembers,
    CompareRest,
    CompareDifference,
    ComparePoints,
    ComparePaidOrders,
    CompareFigures,
    CompareTiers,
    CompareFunnel,
    CompareFunnelHint,
    CompareFunnelGone,
    // Funnel optional steps and exclusions (issue 17).
    FunnelOptional,
    FunnelOptionalHint,
    FunnelOptionalStrictHint,
    FunnelExclusions,
    FunnelExclusionsHint,
    FunnelExclusionAdd,
    FunnelExclusionBetween,
    FunnelExclusionAnd,
    FunnelExcluded,
    FunnelOptionalTag,
    // Deleting desk records (issue 16).
    ConfirmDeleteRequest,
    ConfirmDeleteRecommendation,
    ConfirmDeleteCampaign,
    RequestDeleted,
    RecDeleted,
    CampDeleted,
    // Backups read in steps; the backup's and the files worker's refusals (issue 12).
    ReadingBackup,
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
            NavCohorts => "同期群",
            NavImport => "导入",
            NavSettings => "设置",
            Language => "语言",
            NotSaved => "未保存",
            NotSavedHint => "当前数据只在本页面内存中，刷新后会丢失",
            EmptyTitle => "还没有客户数据",
            EmptyBody => "加载演示数据，马上体验客户列表、分析与分群；数据只保存在本浏览器中。",
            LoadDemo => "加载演示数据",
            Generating => "正在生成演示数据…",
            PreparingBackup => "正在准备备份文件…",
            Customers => "客户",
            Orders => "订单",
            Events => "行为事件",
            Activities => "跟进记录",
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
            ErrPhone => {
                "手机号应为 11 位、以 1 开头；座机请带区号（如 0571-8888 6666）；国际号码请以 + 开头"
            }
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
            ConfirmResetServer => {
                "同步已开启。是否同时删除同步服务器上的这些数据（团队的其他设备也会删除）？选择“否”：服务器上的数据保留，下次同步时会重新下载到本设备。"
            }
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
            Loading => "正在读取本地数据…",
            SavingProgress => "正在保存…",
            StorageRecordsHint => "数据逐条保存在本浏览器的 IndexedDB 中，只在这台设备上。",
            StorageLegacyHint => "数据保存在本浏览器的 localStorage 中（约 5 MB）。",
            NoticeUnavailable => {
                "此浏览器无法使用 IndexedDB（可能是隐私模式或设置所致），数据改存在 localStorage，最多约 5 MB。"
            }
            NoticeMigrationFailed => {
                "旧版本保存的数据未能移入 IndexedDB，仍保存在 localStorage 中并照常使用；下次打开时会再试。"
            }
            NoticeBlocked => "另一个标签页正在使用旧版本的客知，请关闭其他客知标签页以完成升级。",
            NoticeVersionChanged => "客知已在另一个标签页中升级，请重新加载本页面。",
            NoticeNewer => "本地数据由更新版本的客知保存，此版本无法读取；请使用最新版本打开。",
            Reload => "重新加载",
            UpdateReady => "有新版本可用。",
            DamagedTitle => "部分记录无法读取",
            DamagedBody => "其余数据已正常加载。无法读取的记录保持原样、不会被覆盖，可下载保存。",
            DamagedDownload => "下载无法读取的记录",
            StorageQuotaLine => "浏览器为本站提供的空间",
            PersistKeep => "在此设备上保留数据",
            PersistGranted => "浏览器已同意保留数据（空间紧张时也不会自动清除）",
            PersistDenied => "浏览器未同意保留；空间紧张时数据可能被清除，请定期备份",
            PersistUnknown => "尚未请求保留",
            SyncTitle => "同步",
            SyncHint => {
                "可选：通过团队自己的 CouchDB 兼容服务器共享客户数据。关闭时，本页除自身文件外不发出任何网络请求。"
            }
            SyncUrl => "服务器地址",
            SyncDb => "数据库",
            SyncUser => "用户名",
            SyncPassword => "密码",
            SyncRemember => "在此设备上记住（关闭时仅保留到关闭标签页）",
            SyncTest => "测试连接",
            SyncStart => "开始同步",
            SyncPause => "暂停",
            SyncNow => "立即同步",
            SyncCreateDb => "创建数据库",
            SyncTesting => "正在测试…",
            SyncReady => "连接成功，数据库中的文档数：",
            SyncNoDb => "服务器可以访问，登录被接受，但数据库不存在。",
            SyncCreated => "数据库已创建。",
            SyncCreateFailed => "无法创建数据库（该账号可能没有权限）：",
            SyncErrUnreachable => {
                "无法连接服务器：离线、地址有误，或服务器未允许本页来源的跨域请求（CORS）。"
            }
            SyncErrTimeout => "服务器未在规定时间内响应。",
            SyncErrAuth => "服务器拒绝了登录：请检查用户名和密码。",
            SyncErrNoDb => "服务器上没有这个数据库。",
            SyncErrStatus => "服务器出错，HTTP 状态码",
            SyncErrBad => "服务器的回答不是 CouchDB 格式。",
            SyncErrLocal => "同步来的数据无法保存到本设备：",
            SyncNeedUrl => "请填写服务器地址和数据库名。",
            SyncStateOff => "同步关闭",
            SyncStateSyncing => "同步中…",
            SyncStateSynced => "已同步",
            SyncStateOffline => "离线",
            SyncStateError => "同步出错",
            SyncPending => "条待上传",
            SyncLast => "上次同步",
            SyncNever => "尚未同步",
            SyncLastError => "最近的错误",
            SyncRecords => "条记录",
            SyncPulled => "已接收",
            SyncConflicts => "冲突",
            SyncConflictsHint => {
                "这些记录曾在两台设备上被修改。已按规则（较新的修改优先，删除优先于更早的修改）保留一个版本，另一个版本列在旁边。"
            }
            SyncNoConflicts => "没有冲突。",
            SyncKeepOther => "保留另一个版本",
            SyncKeepThis => "保留当前版本",
            SyncField => "字段",
            SyncThisVersion => "当前版本",
            SyncOtherVersion => "另一个版本",
            SyncOtherDeleted => "另一个版本是删除",
            PersistHint => "请求浏览器在空间紧张时也不清除本站数据。",
            Dashboard => "概览",
            Dismiss => "关闭",
            AnalyticsSettingsTitle => "分析设置",
            AnalyticsSettingsHint => "生命周期、RFM 与价值分层的阈值；修改后立即生效。",
            ReferenceDate => "参考日期（留空：最近订单的次日）",
            NewDays => "新客天数 N",
            MatureOrders => "成熟订单数 K",
            AtRiskDays => "单次购买流失预警天数 D1",
            ChurnDays => "流失天数 D2",
            RfmHigh => "RFM“高”分数线",
            RestoreDefaults => "恢复默认",
            Tier => "价值分层",
            RfmGroupLabel => "RFM 分组",
            ScoreR => "R",
            ScoreF => "F",
            ScoreM => "M",
            ExportCsv => "导出 CSV",
            ExportXlsx => "导出 Excel",
            MaskOnExport => "隐藏手机号和邮箱",
            RfGrid => "R×F 客户分布",
            RfGridHint => "每格：客户数与平均消费（M）。R 越高越近期，F 越高越频繁。",
            Aov => "客单价",
            RepeatRate => "复购率",
            Buyers => "成交客户",
            NetSales => "净销售额",
            LifecycleMix => "客户生命周期分布",
            AovHint => "净销售额 ÷ 支付订单数",
            RepeatHint => "2 单及以上的客户 ÷ 成交客户",
            Lifecycle => "生命周期",
            CreatedAt => "创建时间",
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
            DateRange => "时间范围",
            From => "开始日期",
            To => "结束日期",
            Last3Months => "近 3 个月",
            Last12Months => "近 12 个月",
            AllTime => "全部",
            Gmv => "销售额",
            NewBuyers => "新客",
            ReturningBuyers => "老客",
            Visitors => "访客数",
            Conversion => "转化率",
            PerBuyer => "客单价（每位成交客户）",
            MonthlyGmv => "每月销售额",
            NewVsReturning => "每月新老成交客户",
            SalesDecomposition => "销售额 = 访客数 × 转化率 × 客单价",
            SalesDecompositionHint => {
                "访客数：当月有行为或付款的客户；转化率：成交客户 ÷ 访客数；客单价：销售额 ÷ 成交客户数。三者相乘即当月销售额（扣除退款）。"
            }
            Other => "其他",
            NoCity => "未填城市",
            ByChannel => "渠道销售额",
            ByCity => "城市销售额",
            TopCustomers => "销售额最高的客户",
            ChurnReasonGap => "已 {days} 天未下单，平时约每 {gap} 天一单",
            ChurnReasonOnce => "只下过一单，已 {days} 天未再购买（超过 {limit} 天）",
            ChurnWarnings => "流失预警",
            OpenAsList => "在客户列表中打开",
            ChurnWarningsHint => "最近 30 天内新进入流失预警的客户，按消费金额排序。",
            NewlyAtRisk => "新近流失预警",
            NavToday => "今日",
            TodayTitle => "今日待办",
            TodayHint => {
                "今天该联系的客户：到期与逾期的跟进、7 天内的生日、新近流失预警。每类中价值高的在前。"
            }
            TodayItems => "项待办",
            TodayEmpty => "今天没有待办",
            WhoAmI => "我是",
            Everyone => "所有人",
            MyCustomers => "我的客户",
            ReasonFollowUp => "今日跟进",
            ReasonOverdue => "逾期跟进",
            ReasonBirthday => "生日",
            ReasonAtRisk => "新近流失预警",
            TodayPlannedToday => "计划今天跟进",
            TodayOverdueDays => "逾期 {days} 天（原定 {due}）",
            TodayBirthdayToday => "今天生日",
            TodayBirthdayTodayAge => "今天 {age} 岁生日",
            TodayBirthdayIn => "{days} 天后生日（{date}）",
            TodayBirthdayInAge => "{days} 天后 {age} 岁生日（{date}）",
            LastContact => "最近联系",
            NeverContacted => "从未联系",
            DaysAgo => "{n} 天前",
            TodayWord => "今天",
            ShowPhone => "显示号码",
            NoPhone => "无手机号",
            TodayDone => "已联系",
            TodayConfirm => "记录联系",
            TodayCancel => "取消",
            Snooze => "推迟",
            SnoozeTomorrow => "明天",
            SnoozeInThreeDays => "3 天后",
            SnoozeNextWeek => "下周一",
            SnoozeOnDate => "指定日期",
            SnoozeApply => "推迟到该日",
            Snoozed => "已推迟到 {date}",
            ShowMore => "再显示 {n} 项",
            ShowAsChart => "显示图表",
            ShowAsTable => "显示为表格",
            NoDataInRange => "所选时间范围内没有数据",
            HoverForValues => "将鼠标移到柱上（或轻点）查看数值",
            LtvHistoric => "历史价值（累计净消费）",
            LtvPredicted => "预测价值",
            LtvYears => "预测生命周期价值的年数",
            LtvHint => {
                "预测价值 = 累计净消费 + 客单价 × 年均订单数 × 年数 × 活跃系数（活跃 1，流失预警 ½，流失 0）"
            }
            Analysis => "客户分析",
            DaysSinceLastOrder => "距上次下单（天）",
            UsualGap => "平均下单间隔（中位数，天）",
            Computing => "正在计算…",
            ManualStage => "生命周期（手动设置）",
            StageAutomatic => "自动（按规则计算）",
            StageSetByHand => "{stage}（手动；按规则为{computed}）",
            ManualMark => "手动",
            RCuts => "R 分段点（距上次下单天数，留空 = 五等分）",
            FCuts => "F 分段点（订单数，留空 = 五等分）",
            MCuts => "M 分段点（元，留空 = 五等分）",
            CutsPlaceholder => "如 30, 60, 120, 240",
            CutsInvalid => "请填写 4 个从小到大的整数，用逗号分隔",
            RfmHelpTitle => "RFM 评分如何计算",
            ValueTiers => "价值分层",
            ValueTiersHint => "按顺序匹配：客户归入第一个满足条件的分层，都不满足时归入最后一层。",
            TierNameZh => "名称（中文）",
            TierNameEn => "名称（英文）",
            TierRuleLabel => "条件",
            TierMinSpend => "累计消费至少（元）",
            TierTopPercent => "消费排名前（%）",
            TierValue => "数值",
            TierAdd => "添加分层",
            TierOther => "都不满足时",
            MoveUp => "上移",
            MoveDown => "下移",
            SegmentQuery => "分群条件（查询语言）",
            SegmentQueryHint => {
                "例：total_spent > 5000 AND city IN (\"上海\", \"杭州\") AND last_order_at WITHIN 90d。字段可用中文别名（如 累计消费、城市、标签）；金额单位为元。"
            }
            SegmentErrorAt => "第",
            SegmentName => "分群名称",
            SegmentStatic => "保存为静态快照（固定当前客户）",
            SegmentStaticShort => "静态",
            SegmentDynamicShort => "动态",
            SegmentSaved => "分群已保存",
            SegmentFixFirst => "请先修正查询中的错误",
            ImportHint => {
                "选择客户、订单或行为文件（CSV、TSV 或 Excel；UTF-8 或 GBK 编码均可）。系统会猜测列的对应关系，先预览再导入；同一文件重复导入不会产生重复数据。"
            }
            ImportKindLabel => "文件内容",
            ImportFile => "文件",
            ImportEncoding => "编码",
            ImportAuto => "自动识别",
            ImportSheet => "工作表",
            ImportHasHeader => "第一行是表头",
            ImportMapping => "列对应关系",
            NotMapped => "（不导入）",
            ImportTimeZone => "时间所在时区",
            ImportDateOrder => "日期顺序",
            ImportExisting => "已有客户的资料",
            ImportKeep => "保留已有值（只补空白）",
            ImportOverwrite => "用文件中的值覆盖",
            ImportPreview => "预览（导入后的样子）",
            ImportCommit => "导入",
            ImportCancel => "取消",
            ImportCancelled => "已取消导入，数据没有任何改动",
            FilesLoading => "正在加载文件处理模块…",
            FilesUnavailable => {
                "无法加载文件处理模块（离线且未缓存，或文件缺失）。请联网后刷新页面再试。"
            }
            FilesStopped => "文件处理模块意外停止，请重试。",
            ImportDone => "导入结果",
            ImportImported => "已导入",
            ImportSkipped => "已跳过",
            ImportErrors => "有错误",
            ImportErrorsDownload => "下载错误明细 CSV",
            ImportRow => "行号",
            ImportColumn => "列",
            ImportValue => "值",
            ImportReason => "原因",
            ExportRecords => "导出订单与行为",
            ExportOrders => "导出订单 CSV",
            ExportEvents => "导出行为 CSV",
            Backup => "备份与恢复",
            BackupHint => {
                "把全部数据和设置保存为一个压缩文件；恢复时先预览内容，确认后替换当前的全部数据和设置。"
            }
            BackupDownload => "下载备份",
            BackupChoose => "从备份文件恢复…",
            BackupTaken => "备份时间",
            BackupSettingsCount => "项设置",
            BackupRestore => "恢复此备份",
            ConfirmRestore => "恢复将替换当前的全部数据和设置。确定吗？",
            Restored => "已从备份恢复",
            FunnelNameNeeded => "请填写漏斗名称",
            FunnelSaved => "漏斗已保存",
            FunnelStepsUnit => "个步骤",
            SavedFunnels => "已保存的漏斗",
            FunnelName => "漏斗名称",
            NoSavedFunnels => "还没有保存的漏斗",
            FunnelStep => "步骤",
            ChartRowLabel => "类别",
            FunnelAddFilter => "+ 属性筛选",
            FunnelSteps => "漏斗步骤",
            FunnelAddStep => "+ 添加步骤",
            RepurchaseDays => "再次下单的期限（天）",
            FunnelWindow => "转化窗口",
            UnitMinutes => "分钟",
            UnitHours => "小时",
            FunnelMode => "顺序要求",
            FunnelSequential => "依次完成（中间可有其他行为）",
            FunnelStrict => "严格连续（中间不能有其他行为）",
            FunnelRangeFrom => "第 1 步日期从",
            FunnelOnlySegment => "只统计分群",
            AllCustomersOption => "全部客户",
            CohortsTitle => "同期群留存",
            CohortsHint => {
                "按首次付款订单所在的月份把客户分为同期群，看之后每个月有多少人再次下单（退款不算订单）。月份按你的时区计算。"
            }
            CohortFrom => "首单月份从",
            CohortTo => "首单月份至",
            CohortMetric => "留存口径",
            CohortByCustomers => "客户留存",
            CohortByRevenue => "收入留存",
            CohortShowHeatMap => "显示为热力图",
            CohortColumn => "首单月份",
            CohortPeriod => "第 {k} 月",
            CohortName => "同期群 {cohort}",
            CohortCellCustomers => "{count} / {size} 位客户下单（{rate}）",
            CohortCellRevenue => "净消费 {cents}（第 0 月的 {rate}）",
            CohortCustomersHint => {
                "每格 = 该月有付款订单的客户数 ÷ 同期群客户数（第 0 月为首单当月）。悬停查看人数，点击单元格列出这些客户。"
            }
            CohortRevenueHint => {
                "每格 = 该月净消费（付款 − 退款）÷ 第 0 月净消费。悬停查看金额，点击单元格列出当月下单的客户。"
            }
            CohortNone => "没有符合条件的付款客户",
            CohortSegmentGone => "所选分群已被删除",
            FunnelSplitBy => "拆分对比",
            FunnelNoSplit => "不拆分",
            FunnelOverTime => "转化趋势",
            PeriodDay => "按日",
            PeriodWeek => "按周",
            FunnelFromFirst => "占第 1 步",
            FunnelFromPrevious => "较上一步",
            FunnelDropped => "流失",
            FunnelReachedList => "到达的客户",
            FunnelDroppedList => "流失的客户",
            FunnelEntered => "进入",
            FunnelConverted => "完成",
            FunnelOverall => "总转化率",
            FunnelUnknownRecords => "条记录的客户不在客户列表中，未计入",
            CustomersUnitTitle => "客户数",
            FunnelWhole => "全程（第 1 步 → 最后一步）",
            Median => "中位数",
            Mean => "平均",
            FunnelChart => "各步骤客户数",
            FunnelTimeHistogram => "全程用时分布",
            FunnelTimeTitle => "转化用时",
            SaveAsStaticSegment => "保存为静态分群",
            StageFunnelTitle => "生命周期阶段漏斗",
            StageFunnelHint => "每位客户只计入其当前阶段（流失预警、已流失不在此路径上）",
            FilterFunnel => "漏斗明细",
            BuilderDrag => "拖动以排序，或拖入、拖出分组",
            BuilderDropHere => "拖到这里放在本组末尾",
            SegmentDeleteReferenced => {
                "其他分群通过 in_segment 引用了这个分群，删除后它们将匹配不到任何客户。仍要删除吗？"
            }
            SegmentNameNeeded => "请填写分群名称",
            SegmentPreview => "匹配客户预览（前 10 位）",
            SegmentTemplates => "常用模板",
            SavedSegments => "已保存的分群",
            NoSavedSegments => "还没有保存的分群",
            Duplicate => "复制",
            FilterSegment => "分群",
            BuilderTitle => "可视化构建",
            BuilderNeedsValidText => "先修正上面的查询，才能在这里编辑",
            BuilderAll => "满足全部（AND）",
            BuilderAny => "满足任一（OR）",
            BuilderNot => "取反（NOT）",
            BuilderToggleOp => "在 AND 与 OR 之间切换",
            BuilderAddCondition => "+ 条件",
            BuilderAddGroup => "+ 条件组",
            BuilderIndent => "与上一项组成新组",
            BuilderOutdent => "移出所在组",
            BuilderField => "字段",
            BuilderEventType => "行为类型",
            BuilderWithinDays => "最近天数（空 = 全部）",
            BuilderDays => "天内",
            BuilderOperator => "运算符",
            BuilderValue => "取值",
            BuilderUnit => "单位",
            UnitDays => "天",
            UnitWeeks => "周",
            UnitMonths => "月",
            UnitYears => "年",
            SegmentActOn => "对分群中的客户操作",
            SegmentFollowUp => "为每位客户记录跟进",
            SegmentFollowUpHint => "如：春节问候 / 挽回电话",
            MaskExport => "导出时隐藏手机号与邮箱",
            Rename => "重命名",
            SegmentOverlap => "两个分群的重叠",
            OverlapAOnly => "仅在 A",
            OverlapBoth => "两者都有",
            OverlapBOnly => "仅在 B",
            RfmHelp => {
                "只对至少有一笔付款订单的客户评分。F（订单数）和 M（净消费）越高越好：得分 = 1 + ⌊5 × c ÷ n⌋，c 为数值严格更小的客户数，n 为参与评分的客户数，数值相同则得分相同。R 用天数的相反数代入同一公式（越近越好）。也可在设置中为每项指定 4 个分段点代替五等分。R、F、M 各自 ≥ 高分线（默认 3）为“高”，组合成八类 RFM 客户群。"
            }
            // The team page (issue 16).
            NavTeam => "团队",
            ManagerReport => "客户经理报表",
            Manager => "客户经理",
            Unassigned => "未分配",
            PortfolioSpend => "名下客户消费",
            Spend90 => "近 90 天消费",
            SpendPrev90 => "前 90 天消费",
            SpendChange90 => "90 天消费变化",
            AtRiskCount => "流失预警",
            Contacts30 => "联系次数",
            OverdueFollowUps => "逾期跟进",
            RecommendationsWon => "推介成交",
            WonAmount => "成交金额",
            Handover => "客户移交",
            HandoverHint => {
                "把一位客户经理名下的全部客户（或一个分群的客户）移交给另一位；未结的跟进、需求卡、推介和关怀任务一起移交，客户的负责人历史会记录此次移交。"
            }
            HandoverFrom => "移交谁的客户",
            HandoverTo => "移交给",
            HandoverReason => "原因",
            HandoverPreview => "将移交",
            HandoverRun => "确认移交",
            HandoverReport => "移交报告",
            HandoverDone => "移交完成",
            CustomerName => "客户",
            NetSpend => "消费金额（净额）",
            OpenFollowUps => "未完成跟进",
            OpenRequests => "未结需求卡",
            OpenRecommendations => "未结推介",
            OpenTasks => "待办关怀任务",
            Print => "打印",
            // Request cards (issue 16).
            NavRequests => "需求卡",
            RequestCards => "需求卡",
            NewRequest => "新建需求卡",
            RequestCategory => "类别",
            RequestDescription => "描述",
            RequestPriority => "优先级",
            RequestDue => "截止时间",
            RequestDueHint => "留空则按类别的处理时限计算",
            RequestOwner => "负责人",
            AddRequest => "添加需求卡",
            RequestAdded => "需求卡已记录",
            RequestUpdated => "需求卡已更新",
            ReqStatusOpen => "待处理",
            ReqStatusInProgress => "处理中",
            ReqStatusResolved => "已解决",
            ReqStatusClosed => "已关闭",
            PriorityLow => "低",
            PriorityNormal => "普通",
            PriorityHigh => "高",
            PriorityUrgent => "紧急",
            CategoryConsultation => "咨询",
            CategoryComplaint => "投诉",
            CategoryNeed => "需求",
            CategoryService => "服务",
            RequestStart => "开始处理",
            RequestResolve => "解决",
            RequestClose => "关闭",
            RequestReopen => "重新打开",
            RequestResolution => "处理结果",
            RequestOverdue => "已逾期",
            AllStatuses => "全部状态",
            OpenStatuses => "未结（待处理与处理中）",
            AllCategories => "全部类别",
            AllOwners => "全部负责人",
            OverdueOnly => "只看逾期",
            NoRequests => "暂无需求卡",
            ErrRequestNoCategory => "请选择类别",
            ErrRequestNoDescription => "请填写需求描述",
            ErrRequestNoResolution => "解决需求需要填写处理结果",
            ErrRequestDueBeforeOpened => "截止时间不能早于现在",
            RequestStatsTitle => "需求处理",
            RequestsPerWeek => "每周新建 / 解决",
            RequestsOpened => "新建",
            RequestsResolved => "解决",
            RequestsInSla => "按时解决率",
            RequestsMedian => "解决时长中位数",
            RequestsOpenNow => "未结",
            RequestsOverdueNow => "逾期",
            SlaSettings => "需求类别与处理时限",
            SlaHours => "处理时限（小时）",
            AddCategory => "添加类别",
            NewCategoryName => "新类别名称",
            RemoveCategory => "移除",
            // The account manager's desk (issue 16): recommendations and care campaigns.
            NavRecommendations => "推介",
            NavCampaigns => "关怀活动",
            DeskManager => "客户经理",
            DeskEveryone => "全部经理",
            DeskNoManager => "未分配经理",
            DeskShowMore => "显示更多",
            DeskTotal => "合计",
            RecHint => {
                "待跟进：价值分层最高档（默认“优质客户”，净消费 ≥ ¥50,000）中尚未推介过任何产品的客户，以及客户表示有意向、尚未成交或拒绝的推介。已推介：全部推介记录。在客户详情中记录推介、更新状态。"
            }
            RecFollowUpTitle => "待跟进",
            RecFollowUpHint => "有意向的推介在前，其余按净消费从高到低。",
            RecRecommendedTitle => "已推介",
            RecReason => "原因",
            RecReasonInterested => "有意向",
            RecReasonNotRecommended => "优质客户，尚未推介",
            RecProduct => "产品 / 方案",
            RecAmount => "金额",
            RecAmountOptional => "金额（元，可选）",
            RecRecommendedAt => "推介日期",
            RecWonAmount => "成交金额",
            RecConversionTitle => "转化",
            RecConversionHint => {
                "按推介记录的客户经理和产品统计：推介数，以及各推介当前所处的状态；成交率 = 成交数 ÷ 推介数。"
            }
            RecByManager => "按客户经理",
            RecByProduct => "按产品",
            RecMade => "推介数",
            RecWonShare => "成交率",
            RecStatusRecommended => "已推介",
            RecStatusInterested => "有意向",
            RecStatusWon => "已成交",
            RecStatusDeclined => "已拒绝",
            RecMarkInterested => "有意向",
            RecMarkWon => "成交",
            RecMarkDeclined => "拒绝",
            RecReopen => "重新打开",
            RecAdd => "记录推介",
            RecAdded => "已记录推介",
            RecNone => "尚无推介",
            RecProductMissing => "请填写推介的产品或方案",
            RecAmountInvalid => "金额无法识别（如 12800、1.2万）",
            RecAmountNegative => "金额不能为负数",
            CampHint => {
                "选择分群和节日，写好问候语，为每位客户的客户经理生成一条联系任务。客知不会代为发送消息：复制问候语或导出通话名单后自行联系，并记录结果。"
            }
            CampListTitle => "活动",
            CampNone => "尚无关怀活动",
            CampNew => "新建关怀活动",
            CampOccasion => "节日 / 场合",
            OccSpringFestival => "春节",
            OccMidAutumn => "中秋",
            OccBirthday => "生日",
            OccMemberDay => "会员日",
            OccCustom => "自定义…",
            OccCustomName => "场合名称",
            CampSegment => "分群",
            CampTypedQuery => "输入查询…",
            CampQuery => "分群查询",
            CampMembers => "位客户（每人一条任务）",
            CampTemplate => "问候语模板",
            CampTemplateDefault => {
                "{name}{title}您好！我是您的客户经理{owner}，祝您节日快乐，万事如意！"
            }
            CampPlaceholders => {
                "可用占位符（称谓按性别：先生/女士，英文问候语为 Mr/Ms；性别未知时只写姓名）："
            }
            CampPreview => "预览",
            CampCreate => "创建活动",
            CampCreated => "已创建 {n} 条联系任务",
            CampNameMissing => "请填写活动名称",
            CampOccasionMissing => "请填写场合名称",
            CampTemplateMissing => "请填写问候语",
            CampNoMembers => "分群中没有客户",
            CampMissing => "找不到此活动（可能已被删除）",
            CampProgress => "进度",
            CampContactedShare => "已联系占比",
            CampResults => "效果",
            CampResultsHint => {
                "已联系：任务标记为完成的客户，自联系时起 {days} 天内至少有一笔付款订单的比例；未联系：同一活动中待办、未接通或拒绝的客户，自活动创建时起 {days} 天内的同一比例。提升 = 两者之差（百分点）。括号内为下单人数 / 人数：人数少时请谨慎解读。"
            }
            CampContacted => "已联系",
            CampNotContacted => "未联系",
            CampUplift => "提升",
            CampPoints => "个百分点",
            CampOpenWindows => "{n} 位客户的观察期尚未结束，数字可能还会变化。",
            CampTasks => "联系任务",
            CampExportCsv => "导出通话名单",
            CampCallList => "通话名单",
            CampNeverSends => "客知不会发送消息：复制问候语，通过电话、短信或微信联系后记录结果。",
            CampMessage => "问候语",
            CampNoTasks => "没有任务",
            TaskTodo => "待办",
            TaskDone => "已完成",
            TaskNoAnswer => "未接通",
            TaskDeclined => "拒绝",
            TaskMarkDone => "完成",
            TaskBackToDo => "改回待办",
            TaskCopy => "复制问候语",
            TaskCopied => "已复制到剪贴板",
            TaskSelected => "已选中问候语，请按 Ctrl+C 复制",
            TaskCareRecorded => "已在客户记录中添加关怀跟进",
            ReasonRequest => "需求到期",
            ReasonCare => "关怀待联系",
            TodayRequestDue => "今天 {time} 前处理",
            TodayRequestPassed => "已逾期（今天 {time} 到期）",
            TodayRequestLate => "逾期 {days} 天（应于 {due} 前处理）",
            TodayCareNotYet => "尚未联系",
            TodayDetails => "详情…",
            TodayDoneRecorded => "已记录联系",
            // Segment vs the rest (issue 17).
            CompareWithRest => "与其余客户对比",
            CompareTitle => "分群与其余客户对比",
            CompareHint => {
                "分群成员与其余全部客户的同一组指标并列；差异 = 成员 − 其余，比率的差异以百分点计。指标定义与概览页相同。"
            }
            CompareBack => "返回分群",
            CompareChoose => "请选择一个已保存的分群，或在分群页输入查询后点击“与其余客户对比”。",
            CompareTypedQuery => "输入的查询",
            CompareMembers => "分群成员",
            CompareRest => "其余客户",
            CompareDifference => "差异",
            ComparePoints => "个百分点",
            ComparePaidOrders => "支付订单",
            CompareFigures => "核心指标",
            CompareTiers => "价值分层分布",
            CompareFunnel => "漏斗转化",
            CompareFunnelGone => "所选漏斗已被删除，下面是购买漏斗",
            CompareFunnelHint => {
                "每格：到达该步的客户数 · 占第 1 步的比例；差异为两侧占第 1 步比例之差（百分点）。"
            }
            FunnelOptional => "可选",
            FunnelOptionalHint => "可选步骤：做了就计数，跳过也能继续到后面的步骤",
            FunnelOptionalStrictHint => "严格顺序下不能设置可选步骤",
            FunnelExclusions => "排除",
            FunnelExclusionsHint => {
                "在两个步骤之间做过该事件的客户完全不计入漏斗（未到达后一步时，到转化窗口结束为止）"
            }
            FunnelExclusionAdd => "+ 添加排除",
            FunnelExclusionBetween => "介于步骤",
            FunnelExclusionAnd => "与步骤",
            FunnelExcluded => "位客户因排除条件未计入",
            FunnelOptionalTag => "可选",
            // Deleting desk records (issue 16).
            ConfirmDeleteRequest => "确定删除这张需求卡吗？可以在提示中撤销。",
            ConfirmDeleteRecommendation => "确定删除这条推介吗？可以在提示中撤销。",
            ConfirmDeleteCampaign => {
                "确定删除这个关怀活动及其 {n} 条联系任务吗？已记录的联系仍保留在客户记录中。可以在提示中撤销。"
            }
            RequestDeleted => "已删除需求卡",
            RecDeleted => "已删除推介",
            CampDeleted => "已删除关怀活动及其联系任务",
            ReadingBackup => "正在读取备份文件…",
        },
        Lang::En => match msg {
            AppName => "kezhi",
            Tagline => "Customer operations workbench",
            NavDashboard => "Dashboard",
            NavCustomers => "Customers",
            NavSegments => "Segments",
            NavFunnels => "Funnels",
            NavCohorts => "Cohorts",
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
            PreparingBackup => "Preparing the backup file…",
            Customers => "Customers",
            Orders => "Orders",
            Events => "Events",
            Activities => "Activities",
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
                "A mobile number has 11 digits starting with 1; a landline needs its area code (0571-8888 6666); start international numbers with +"
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
            ConfirmResetServer => {
                "Sync is on. Also delete this data on the sync server (and so on the team's other devices)? No: the server keeps it and the next sync brings it back to this device."
            }
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
            Loading => "Reading the stored data…",
            SavingProgress => "Saving…",
            StorageRecordsHint => {
                "Every record is stored in this browser's IndexedDB, on this device only."
            }
            StorageLegacyHint => "Data is stored in this browser's localStorage (about 5 MB).",
            NoticeUnavailable => {
                "IndexedDB cannot be used in this browser (private mode or a setting); data is kept in localStorage instead, about 5 MB at most."
            }
            NoticeMigrationFailed => {
                "Data saved by an older version could not be moved to IndexedDB; it stays in localStorage and is used from there. The move is tried again at the next start."
            }
            NoticeBlocked => {
                "Another tab runs an older version of kezhi: close the other kezhi tabs to finish the upgrade."
            }
            NoticeVersionChanged => "kezhi was upgraded in another tab: reload this page.",
            NoticeNewer => {
                "The stored data was saved by a newer version of kezhi and cannot be read by this one; open the latest version."
            }
            Reload => "Reload",
            UpdateReady => "A new version is ready.",
            DamagedTitle => "Some records cannot be read",
            DamagedBody => {
                "Everything else was loaded. The unreadable records are kept as they are, never overwritten, and can be downloaded."
            }
            DamagedDownload => "Download the unreadable records",
            StorageQuotaLine => "Space the browser gives this site",
            PersistKeep => "Keep data on this device",
            PersistGranted => "The browser keeps the data (not cleared when space runs low)",
            PersistDenied => {
                "The browser did not agree; data may be cleared when space runs low — take backups"
            }
            PersistUnknown => "Not requested yet",
            SyncTitle => "Sync",
            SyncHint => {
                "Optional: share the data through your team's own CouchDB-compatible server. While it is off, this page makes no network request beyond its own files."
            }
            SyncUrl => "Server URL",
            SyncDb => "Database",
            SyncUser => "User name",
            SyncPassword => "Password",
            SyncRemember => "Remember on this device (off: for this session only)",
            SyncTest => "Test connection",
            SyncStart => "Start sync",
            SyncPause => "Pause",
            SyncNow => "Sync now",
            SyncCreateDb => "Create the database",
            SyncTesting => "Testing…",
            SyncReady => "Connected. Documents in the database:",
            SyncNoDb => {
                "The server answered and accepted the login, but the database does not exist."
            }
            SyncCreated => "The database was created.",
            SyncCreateFailed => {
                "The database could not be created (the account may not be allowed to):"
            }
            SyncErrUnreachable => {
                "The server cannot be reached: offline, a wrong address, or the server does not allow this page's origin (CORS)."
            }
            SyncErrTimeout => "The server did not answer in time.",
            SyncErrAuth => "The server refused the login: check the user name and password.",
            SyncErrNoDb => "There is no such database on the server.",
            SyncErrStatus => "The server failed with HTTP status",
            SyncErrBad => "The server's answer is not CouchDB's.",
            SyncErrLocal => "What sync brought could not be stored on this device:",
            SyncNeedUrl => "Enter the server URL and the database name.",
            SyncStateOff => "Sync off",
            SyncStateSyncing => "Syncing…",
            SyncStateSynced => "Synced",
            SyncStateOffline => "Offline",
            SyncStateError => "Sync error",
            SyncPending => "waiting",
            SyncLast => "Last sync",
            SyncNever => "Never",
            SyncLastError => "Last error",
            SyncRecords => "records",
            SyncPulled => "Received",
            SyncConflicts => "Conflicts",
            SyncConflictsHint => {
                "These records were changed on two devices. One version was kept by the rule (the newer change wins; a deletion wins over older changes); the other is shown beside it."
            }
            SyncNoConflicts => "No conflicts.",
            SyncKeepOther => "Keep the other one",
            SyncKeepThis => "Keep this one",
            SyncField => "Field",
            SyncThisVersion => "This version",
            SyncOtherVersion => "The other version",
            SyncOtherDeleted => "The other version is a deletion",
            PersistHint => "Asks the browser not to clear this site's data when space runs low.",
            Dashboard => "Dashboard",
            Dismiss => "Dismiss",
            AnalyticsSettingsTitle => "Analytics",
            AnalyticsSettingsHint => {
                "Thresholds of the lifecycle, RFM and value tiers; changes apply at once."
            }
            ReferenceDate => "Reference date (empty: the day after the latest order)",
            NewDays => "New customer within N days",
            MatureOrders => "Mature from K orders",
            AtRiskDays => "At risk after D1 days (one-time buyers)",
            ChurnDays => "Churned after D2 days",
            RfmHigh => "RFM \"high\" from score",
            RestoreDefaults => "Restore defaults",
            Tier => "Value tier",
            RfmGroupLabel => "RFM group",
            ScoreR => "R",
            ScoreF => "F",
            ScoreM => "M",
            ExportCsv => "Export CSV",
            ExportXlsx => "Export Excel",
            MaskOnExport => "Mask phones and e-mails",
            RfGrid => "R × F grid",
            RfGridHint => {
                "Each cell: customers and their average spend (M). Higher R is more recent, higher F more frequent."
            }
            Aov => "Average order value",
            RepeatRate => "Repurchase rate",
            Buyers => "Buyers",
            NetSales => "Net sales",
            LifecycleMix => "Lifecycle distribution",
            AovHint => "net sales ÷ paid orders",
            RepeatHint => "customers with 2+ orders ÷ buyers",
            Lifecycle => "Lifecycle",
            CreatedAt => "Created",
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
            DateRange => "Date range",
            From => "From",
            To => "To",
            Last3Months => "Last 3 months",
            Last12Months => "Last 12 months",
            AllTime => "All time",
            Gmv => "Sales",
            NewBuyers => "New buyers",
            ReturningBuyers => "Returning buyers",
            Visitors => "Visitors",
            Conversion => "Conversion",
            PerBuyer => "Per buyer",
            MonthlyGmv => "Monthly sales",
            NewVsReturning => "New vs returning buyers per month",
            SalesDecomposition => "Sales = visitors × conversion × per-buyer value",
            SalesDecompositionHint => {
                "Visitors: customers with an event or a paid order in the month; conversion: buyers ÷ visitors; per-buyer value: sales ÷ buyers. Their product is the month's sales (net of refunds)."
            }
            Other => "Other",
            NoCity => "No city",
            ByChannel => "Sales by channel",
            ByCity => "Sales by city",
            TopCustomers => "Top customers",
            ChurnReasonGap => "no order for {days} days, usually every {gap}",
            ChurnReasonOnce => "one order only, none for {days} days (limit {limit})",
            ChurnWarnings => "Churn warnings",
            OpenAsList => "Open as list",
            ChurnWarningsHint => {
                "Customers who became at risk in the last 30 days, most valuable first."
            }
            NewlyAtRisk => "Newly at risk",
            NavToday => "Today",
            TodayTitle => "Today's work",
            TodayHint => {
                "Who to contact today: follow-ups due and overdue, birthdays within 7 days, customers newly at risk — the most valuable first within each."
            }
            TodayItems => "to do",
            TodayEmpty => "Nothing to do today",
            WhoAmI => "I am",
            Everyone => "Everyone",
            MyCustomers => "My customers",
            ReasonFollowUp => "Follow-ups due today",
            ReasonOverdue => "Overdue follow-ups",
            ReasonBirthday => "Birthdays",
            ReasonAtRisk => "Newly at risk",
            TodayPlannedToday => "planned for today",
            TodayOverdueDays => "{days} days overdue (due {due})",
            TodayBirthdayToday => "birthday today",
            TodayBirthdayTodayAge => "birthday today, turns {age}",
            TodayBirthdayIn => "birthday in {days} days ({date})",
            TodayBirthdayInAge => "birthday in {days} days ({date}), turns {age}",
            LastContact => "Last contact",
            NeverContacted => "never contacted",
            DaysAgo => "{n} days ago",
            TodayWord => "today",
            ShowPhone => "Show number",
            NoPhone => "no phone",
            TodayDone => "Done",
            TodayConfirm => "Record contact",
            TodayCancel => "Cancel",
            Snooze => "Snooze",
            SnoozeTomorrow => "Tomorrow",
            SnoozeInThreeDays => "In 3 days",
            SnoozeNextWeek => "Next Monday",
            SnoozeOnDate => "On a date",
            SnoozeApply => "Snooze to that day",
            Snoozed => "Moved to {date}",
            ShowMore => "Show {n} more",
            ShowAsChart => "Show chart",
            ShowAsTable => "Show as table",
            NoDataInRange => "No data in this date range",
            HoverForValues => "Hover over (or tap) a bar to see its values",
            LtvHistoric => "Historic (net spend so far)",
            LtvPredicted => "Predicted",
            LtvYears => "Years in the predicted lifetime value",
            LtvHint => {
                "Predicted = net spend so far + AOV × orders per year × years × activity (active 1, at risk ½, churned 0)"
            }
            Analysis => "Analysis",
            DaysSinceLastOrder => "Days since last order",
            UsualGap => "Usual gap between orders (median, days)",
            Computing => "Computing…",
            ManualStage => "Lifecycle stage (set by hand)",
            StageAutomatic => "Automatic (by the rules)",
            StageSetByHand => "{stage} (set by hand; the rules say {computed})",
            ManualMark => "manual",
            RCuts => "R cut points (days since last order; empty = quintiles)",
            FCuts => "F cut points (orders; empty = quintiles)",
            MCuts => "M cut points (yuan; empty = quintiles)",
            CutsPlaceholder => "e.g. 30, 60, 120, 240",
            CutsInvalid => "Enter four ascending whole numbers, separated by commas",
            RfmHelpTitle => "How RFM scores are computed",
            ValueTiers => "Value tiers",
            ValueTiersHint => {
                "In order: a customer gets the first tier whose rule they meet; customers who meet none get the last tier."
            }
            TierNameZh => "Name (Chinese)",
            TierNameEn => "Name (English)",
            TierRuleLabel => "Rule",
            TierMinSpend => "Net spend at least (yuan)",
            TierTopPercent => "Top % by net spend",
            TierValue => "Value",
            TierAdd => "Add a tier",
            TierOther => "When no rule is met",
            MoveUp => "Move up",
            MoveDown => "Move down",
            SegmentQuery => "Segment rule (query language)",
            SegmentQueryHint => {
                "e.g. total_spent > 5000 AND city IN (\"上海\", \"杭州\") AND last_order_at WITHIN 90d. Fields also have Chinese names (累计消费, 城市, 标签); money is in yuan."
            }
            SegmentErrorAt => "At character",
            SegmentName => "Segment name",
            SegmentStatic => "Save as a static snapshot (today's customers)",
            SegmentStaticShort => "static",
            SegmentDynamicShort => "dynamic",
            SegmentSaved => "Segment saved",
            SegmentFixFirst => "Fix the query first",
            ImportHint => {
                "Choose a customer, order or behaviour file (CSV, TSV or Excel; UTF-8 or GBK). The column mapping is guessed; check the preview, then import. Importing the same file again adds no duplicates."
            }
            ImportKindLabel => "The file holds",
            ImportFile => "File",
            ImportEncoding => "Encoding",
            ImportAuto => "Detect",
            ImportSheet => "Sheet",
            ImportHasHeader => "First row is a header",
            ImportMapping => "Column mapping",
            NotMapped => "(not imported)",
            ImportTimeZone => "Time zone of the times",
            ImportDateOrder => "Date order",
            ImportExisting => "Existing customers' fields",
            ImportKeep => "Keep (fill empty fields only)",
            ImportOverwrite => "Overwrite with the file's values",
            ImportPreview => "Preview (as it will be imported)",
            ImportCommit => "Import",
            ImportCancel => "Cancel",
            ImportCancelled => "Import cancelled: nothing was changed",
            FilesLoading => "Loading the file reader…",
            FilesUnavailable => {
                "The file reader could not be loaded (offline and not cached, or a file is missing). Reload the page when online and try again."
            }
            FilesStopped => "The file reader stopped unexpectedly; please try again.",
            ImportDone => "Import report",
            ImportImported => "Imported",
            ImportSkipped => "Skipped",
            ImportErrors => "With errors",
            ImportErrorsDownload => "Download the errors as CSV",
            ImportRow => "Row",
            ImportColumn => "Column",
            ImportValue => "Value",
            ImportReason => "Reason",
            ExportRecords => "Export orders and behaviour",
            ExportOrders => "Export orders CSV",
            ExportEvents => "Export behaviour CSV",
            Backup => "Backup and restore",
            BackupHint => {
                "Save all data and settings in one compressed file; restoring shows what it holds first and replaces everything only after you confirm."
            }
            BackupDownload => "Download a backup",
            BackupChoose => "Restore from a backup file…",
            BackupTaken => "Backup taken",
            BackupSettingsCount => "settings",
            BackupRestore => "Restore this backup",
            ConfirmRestore => "Restoring replaces all current data and settings. Go ahead?",
            Restored => "Restored from the backup",
            FunnelNameNeeded => "Give the funnel a name",
            FunnelSaved => "Funnel saved",
            FunnelStepsUnit => "steps",
            SavedFunnels => "Saved funnels",
            FunnelName => "Funnel name",
            NoSavedFunnels => "No saved funnels yet",
            FunnelStep => "Step",
            ChartRowLabel => "Category",
            FunnelAddFilter => "+ Filter",
            FunnelSteps => "Funnel steps",
            FunnelAddStep => "+ Add step",
            RepurchaseDays => "Second order within (days)",
            FunnelWindow => "Conversion window",
            UnitMinutes => "minutes",
            UnitHours => "hours",
            FunnelMode => "Order",
            FunnelSequential => "Sequential (other events may come between)",
            FunnelStrict => "Strict (no other events between)",
            FunnelRangeFrom => "Step 1 from",
            FunnelOnlySegment => "Only customers in",
            AllCustomersOption => "All customers",
            CohortsTitle => "Cohort retention",
            CohortsHint => {
                "Customers grouped by the month of their first paid order, and how many of them order in each month after (refunds are not orders). Months follow your time zone."
            }
            CohortFrom => "First-order month from",
            CohortTo => "First-order month to",
            CohortMetric => "Retention measure",
            CohortByCustomers => "Customers",
            CohortByRevenue => "Revenue",
            CohortShowHeatMap => "Show as heat map",
            CohortColumn => "Cohort",
            CohortPeriod => "Month {k}",
            CohortName => "Cohort {cohort}",
            CohortCellCustomers => "{count} of {size} customers ordered ({rate})",
            CohortCellRevenue => "net spend {cents} ({rate} of month 0)",
            CohortCustomersHint => {
                "Each cell = customers with a paid order in that month ÷ the cohort's customers (month 0 is the month of the first order). Hover for the counts; click a cell to list those customers."
            }
            CohortRevenueHint => {
                "Each cell = net spend in that month (paid − refunded) ÷ net spend in month 0. Hover for the amounts; click a cell to list the customers who ordered that month."
            }
            CohortNone => "No paying customers match",
            CohortSegmentGone => "The chosen segment was deleted",
            FunnelSplitBy => "Split by",
            FunnelNoSplit => "No split",
            FunnelOverTime => "Conversion over time",
            PeriodDay => "By day",
            PeriodWeek => "By week",
            FunnelFromFirst => "of step 1",
            FunnelFromPrevious => "of previous step",
            FunnelDropped => "Dropped",
            FunnelReachedList => "Who reached",
            FunnelDroppedList => "Who dropped",
            FunnelEntered => "Entered",
            FunnelConverted => "Converted",
            FunnelOverall => "Overall conversion",
            FunnelUnknownRecords => "records belong to customers not in the list and were ignored",
            CustomersUnitTitle => "Customers",
            FunnelWhole => "Whole funnel (step 1 → last)",
            Median => "Median",
            Mean => "Mean",
            FunnelChart => "Customers per step",
            FunnelTimeHistogram => "Time to convert, whole funnel",
            FunnelTimeTitle => "Time to convert",
            SaveAsStaticSegment => "Save as static segment",
            StageFunnelTitle => "Lifecycle stage funnel",
            StageFunnelHint => {
                "Each customer counts at their current stage (at risk and churned are off this path)"
            }
            FilterFunnel => "Funnel drill-down",
            BuilderDrag => "Drag to reorder, or into or out of a group",
            BuilderDropHere => "Drop here to put it last in this group",
            SegmentDeleteReferenced => {
                "Other segments use this one through in_segment; once it is deleted they match nobody. Delete it anyway?"
            }
            SegmentNameNeeded => "Give the segment a name",
            SegmentPreview => "Matching customers (first 10)",
            SegmentTemplates => "Templates",
            SavedSegments => "Saved segments",
            NoSavedSegments => "No saved segments yet",
            Duplicate => "Duplicate",
            FilterSegment => "Segment",
            BuilderTitle => "Visual builder",
            BuilderNeedsValidText => "Fix the query above to edit it here",
            BuilderAll => "All of (AND)",
            BuilderAny => "Any of (OR)",
            BuilderNot => "Negate (NOT)",
            BuilderToggleOp => "Switch between AND and OR",
            BuilderAddCondition => "+ Condition",
            BuilderAddGroup => "+ Group",
            BuilderIndent => "Group with the item above",
            BuilderOutdent => "Move out of its group",
            BuilderField => "Field",
            BuilderEventType => "Event type",
            BuilderWithinDays => "Within days (empty: all time)",
            BuilderDays => "days",
            BuilderOperator => "Operator",
            BuilderValue => "Value",
            BuilderUnit => "Unit",
            UnitDays => "days",
            UnitWeeks => "weeks",
            UnitMonths => "months",
            UnitYears => "years",
            SegmentActOn => "Act on everyone in the segment",
            SegmentFollowUp => "Record for each customer",
            SegmentFollowUpHint => "e.g. New Year greeting / win-back call",
            MaskExport => "Mask phones and e-mails in exports",
            Rename => "Rename",
            SegmentOverlap => "Overlap of two segments",
            OverlapAOnly => "A only",
            OverlapBoth => "Both",
            OverlapBOnly => "B only",
            RfmHelp => {
                "Only customers with at least one paid order are scored. For F (orders) and M (net spend), higher is better: score = 1 + ⌊5 × c ÷ n⌋, where c is the number of scored customers with a strictly smaller value and n the number scored, so ties share a score. R uses the same formula on the negated days (more recent is better). Settings can replace the quintiles by four cut points per metric. R, F and M are each “high” from the high score (default 3) up, which gives the eight RFM groups."
            }
            // The team page (issue 16).
            NavTeam => "Team",
            ManagerReport => "Manager report",
            Manager => "Manager",
            Unassigned => "Unassigned",
            PortfolioSpend => "Portfolio spend",
            Spend90 => "Spend, last 90 days",
            SpendPrev90 => "Spend, 90 days before",
            SpendChange90 => "90-day change",
            AtRiskCount => "At risk",
            Contacts30 => "Contacts",
            OverdueFollowUps => "Overdue follow-ups",
            RecommendationsWon => "Recommendations won",
            WonAmount => "Amount won",
            Handover => "Handover",
            HandoverHint => {
                "Move all customers of one manager (or a segment's) to another; open follow-ups, requests, recommendations and care tasks move along, and each customer's owner history records it."
            }
            HandoverFrom => "Customers of",
            HandoverTo => "Hand over to",
            HandoverReason => "Reason",
            HandoverPreview => "What moves",
            HandoverRun => "Hand over",
            HandoverReport => "Handover report",
            HandoverDone => "Handover done",
            CustomerName => "Customer",
            NetSpend => "Net spend",
            OpenFollowUps => "Open follow-ups",
            OpenRequests => "Open requests",
            OpenRecommendations => "Open recommendations",
            OpenTasks => "Care tasks to do",
            Print => "Print",
            // Request cards (issue 16).
            NavRequests => "Requests",
            RequestCards => "Request cards",
            NewRequest => "New request",
            RequestCategory => "Category",
            RequestDescription => "Description",
            RequestPriority => "Priority",
            RequestDue => "Due",
            RequestDueHint => "Empty: by the category's service level",
            RequestOwner => "Owner",
            AddRequest => "Add request",
            RequestAdded => "Request recorded",
            RequestUpdated => "Request updated",
            ReqStatusOpen => "Open",
            ReqStatusInProgress => "In progress",
            ReqStatusResolved => "Resolved",
            ReqStatusClosed => "Closed",
            PriorityLow => "Low",
            PriorityNormal => "Normal",
            PriorityHigh => "High",
            PriorityUrgent => "Urgent",
            CategoryConsultation => "Consultation",
            CategoryComplaint => "Complaint",
            CategoryNeed => "Need",
            CategoryService => "Service",
            RequestStart => "Start",
            RequestResolve => "Resolve",
            RequestClose => "Close",
            RequestReopen => "Reopen",
            RequestResolution => "Resolution",
            RequestOverdue => "Overdue",
            AllStatuses => "All statuses",
            OpenStatuses => "Open (open and in progress)",
            AllCategories => "All categories",
            AllOwners => "All owners",
            OverdueOnly => "Overdue only",
            NoRequests => "No requests",
            ErrRequestNoCategory => "Choose a category",
            ErrRequestNoDescription => "Describe the request",
            ErrRequestNoResolution => "Resolving takes a resolution note",
            ErrRequestDueBeforeOpened => "The deadline cannot be in the past",
            RequestStatsTitle => "Requests",
            RequestsPerWeek => "Opened / resolved per week",
            RequestsOpened => "Opened",
            RequestsResolved => "Resolved",
            RequestsInSla => "Resolved within SLA",
            RequestsMedian => "Median time to resolve",
            RequestsOpenNow => "Open",
            RequestsOverdueNow => "Overdue",
            SlaSettings => "Request categories and service levels",
            SlaHours => "Hours to resolve",
            AddCategory => "Add category",
            NewCategoryName => "New category",
            RemoveCategory => "Remove",
            // The account manager's desk (issue 16): recommendations and care campaigns.
            NavRecommendations => "Recommendations",
            NavCampaigns => "Care campaigns",
            DeskManager => "Manager",
            DeskEveryone => "All managers",
            DeskNoManager => "No manager",
            DeskShowMore => "Show more",
            DeskTotal => "Total",
            RecHint => {
                "To follow up: customers in the top value tier (by default “Premium”, net spend ≥ ¥50,000) never recommended anything, and recommendations the customer is interested in that are neither won nor declined. Recommended: every recommendation. Record recommendations and move them on in the customer's panel."
            }
            RecFollowUpTitle => "To follow up",
            RecFollowUpHint => "Interested first, then by net spend, highest first.",
            RecRecommendedTitle => "Recommended",
            RecReason => "Reason",
            RecReasonInterested => "Interested",
            RecReasonNotRecommended => "Top tier, nothing recommended yet",
            RecProduct => "Product / offer",
            RecAmount => "Amount",
            RecAmountOptional => "Amount (yuan, optional)",
            RecRecommendedAt => "Recommended on",
            RecWonAmount => "Amount won",
            RecConversionTitle => "Conversion",
            RecConversionHint => {
                "By the recommendation's manager and by product: recommendations made and where each stands now; won share = won ÷ made."
            }
            RecByManager => "By manager",
            RecByProduct => "By product",
            RecMade => "Made",
            RecWonShare => "Won share",
            RecStatusRecommended => "Recommended",
            RecStatusInterested => "Interested",
            RecStatusWon => "Won",
            RecStatusDeclined => "Declined",
            RecMarkInterested => "Interested",
            RecMarkWon => "Won",
            RecMarkDeclined => "Declined",
            RecReopen => "Re-open",
            RecAdd => "Record recommendation",
            RecAdded => "Recommendation recorded",
            RecNone => "No recommendations yet",
            RecProductMissing => "Name the product or offer",
            RecAmountInvalid => "Not an amount (e.g. 12800, 1.2万)",
            RecAmountNegative => "The amount cannot be negative",
            CampHint => {
                "Choose a segment and an occasion, write the greeting, and each customer's manager gets a contact task. kezhi never sends messages itself: copy the greeting or export the call list, make the contact, and record what came of it."
            }
            CampListTitle => "Campaigns",
            CampNone => "No care campaigns yet",
            CampNew => "New care campaign",
            CampOccasion => "Occasion",
            OccSpringFestival => "Spring Festival",
            OccMidAutumn => "Mid-Autumn Festival",
            OccBirthday => "Birthday",
            OccMemberDay => "Member day",
            OccCustom => "Custom…",
            OccCustomName => "Occasion name",
            CampSegment => "Segment",
            CampTypedQuery => "Type a query…",
            CampQuery => "Segment query",
            CampMembers => "customers (one task each)",
            CampTemplate => "Message template",
            CampTemplateDefault => {
                "Dear {title} {name}, warm wishes from your account manager {owner}."
            }
            CampPlaceholders => {
                "Placeholders (the title follows the gender: 先生/女士 in a Chinese message, Mr/Ms in another; unknown gender: the name alone):"
            }
            CampPreview => "Preview",
            CampCreate => "Create campaign",
            CampCreated => "{n} contact tasks created",
            CampNameMissing => "Name the campaign",
            CampOccasionMissing => "Name the occasion",
            CampTemplateMissing => "Write the message",
            CampNoMembers => "The segment holds no customers",
            CampMissing => "This campaign is not there (it may have been deleted)",
            CampProgress => "Progress",
            CampContactedShare => "Contacted share",
            CampResults => "Results",
            CampResultsHint => {
                "Contacted: customers whose task is done, the share with at least one paid order within {days} days of the contact; not contacted: the campaign's other customers (to do, no answer, declined), the same share within {days} days of the campaign's creation. Uplift = the difference (percentage points). In brackets: buyers / customers — read small groups with care."
            }
            CampContacted => "Contacted",
            CampNotContacted => "Not contacted",
            CampUplift => "Uplift",
            CampPoints => "points",
            CampOpenWindows => {
                "The window of {n} customers is not over yet: the figures may still change."
            }
            CampTasks => "Contact tasks",
            CampExportCsv => "Export call list",
            CampCallList => "Call list",
            CampNeverSends => {
                "kezhi never sends messages: copy the greeting, make the contact by phone, SMS or WeChat, then record the result."
            }
            CampMessage => "Message",
            CampNoTasks => "No tasks",
            TaskTodo => "To do",
            TaskDone => "Done",
            TaskNoAnswer => "No answer",
            TaskDeclined => "Declined",
            TaskMarkDone => "Done",
            TaskBackToDo => "Back to to-do",
            TaskCopy => "Copy message",
            TaskCopied => "Copied to the clipboard",
            TaskSelected => "The message is selected: press Ctrl+C to copy it",
            TaskCareRecorded => "A care contact was added to the customer's history",
            ReasonRequest => "Requests due",
            ReasonCare => "Care contacts to make",
            TodayRequestDue => "due today by {time}",
            TodayRequestPassed => "overdue (due today at {time})",
            TodayRequestLate => "{days} days overdue (due {due})",
            TodayCareNotYet => "not contacted yet",
            TodayDetails => "Details…",
            TodayDoneRecorded => "Contact recorded",
            // Segment vs the rest (issue 17).
            CompareWithRest => "Compare with the rest",
            CompareTitle => "Segment vs the rest",
            CompareHint => {
                "The same figures for the segment's members and for every other customer, side by side; difference = members − the rest, for rates in percentage points. The definitions are the dashboard's."
            }
            CompareBack => "Back to segments",
            CompareChoose => {
                "Choose a saved segment, or type a query on the segments page and choose “Compare with the rest”."
            }
            CompareTypedQuery => "The typed query",
            CompareMembers => "Segment members",
            CompareRest => "The rest",
            CompareDifference => "Difference",
            ComparePoints => "pp",
            ComparePaidOrders => "Paid orders",
            CompareFigures => "Key figures",
            CompareTiers => "Value tiers",
            CompareFunnel => "Funnel conversion",
            CompareFunnelGone => "The chosen funnel was deleted: the purchase funnel is shown",
            CompareFunnelHint => {
                "Each cell: customers who reached the step · their share of step 1; the difference is that share's, members − the rest, in percentage points."
            }
            FunnelOptional => "Optional",
            FunnelOptionalHint => {
                "Optional step: counted when done; customers who skip it still go on to the later steps"
            }
            FunnelOptionalStrictHint => "Optional steps are not available in strict order",
            FunnelExclusions => "Exclusions",
            FunnelExclusionsHint => {
                "Customers who did this event between the two steps are left out of the funnel entirely (up to the end of the window when they did not reach the later step)"
            }
            FunnelExclusionAdd => "+ Add exclusion",
            FunnelExclusionBetween => "between step",
            FunnelExclusionAnd => "and step",
            FunnelExcluded => "customers excluded by the exclusions",
            FunnelOptionalTag => "optional",
            // Deleting desk records (issue 16).
            ConfirmDeleteRequest => "Delete this request card? You can undo from the message.",
            ConfirmDeleteRecommendation => {
                "Delete this recommendation? You can undo from the message."
            }
            ConfirmDeleteCampaign => {
                "Delete this care campaign and its contact tasks ({n})? Contacts already recorded stay in the customers' histories. You can undo from the message."
            }
            RequestDeleted => "Request card deleted",
            RecDeleted => "Recommendation deleted",
            CampDeleted => "Care campaign and its contact tasks deleted",
            ReadingBackup => "Reading the backup file…",
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Today's list (kezhi_core::today): each reason and its detail, worded here. The matches are
// exhaustive, so a reason the core adds does not compile until it is worded.

use chrono::FixedOffset;
use kezhi_core::Timestamp;
use kezhi_core::metrics::ChurnWarning;
use kezhi_core::today::{Detail, Reason};

/// A reason's name (the Today page's headings, the navigation's counts).
pub fn reason_name(lang: Lang, reason: Reason) -> &'static str {
    t(
        lang,
        match reason {
            Reason::FollowUp => Msg::ReasonFollowUp,
            Reason::Overdue => Msg::ReasonOverdue,
            Reason::Birthday => Msg::ReasonBirthday,
            Reason::AtRisk => Msg::ReasonAtRisk,
            Reason::Request => Msg::ReasonRequest,
            Reason::Care => Msg::ReasonCare,
        },
    )
}

/// What an item's detail says: how late, which birthday, why at risk, when a request is due
/// (read in `offset`; `now` tells a request due earlier today from one due later).
pub fn today_detail(lang: Lang, detail: &Detail, offset: FixedOffset, now: Timestamp) -> String {
    match detail {
        Detail::FollowUp { .. } => t(lang, Msg::TodayPlannedToday).to_string(),
        Detail::Overdue { due, days, .. } => t(lang, Msg::TodayOverdueDays)
            .replace("{days}", &days.to_string())
            .replace("{due}", &due.to_string()),
        Detail::Birthday { on, in_days, age } => {
            let msg = match (in_days, age) {
                (0, None) => Msg::TodayBirthdayToday,
                (0, Some(_)) => Msg::TodayBirthdayTodayAge,
                (_, None) => Msg::TodayBirthdayIn,
                (_, Some(_)) => Msg::TodayBirthdayInAge,
            };
            t(lang, msg)
                .replace("{days}", &in_days.to_string())
                .replace("{date}", &on.format("%m-%d").to_string())
                .replace("{age}", &age.unwrap_or_default().to_string())
        }
        Detail::AtRisk(w) => churn_reason(lang, w),
        Detail::Request { due, days_late, .. } => {
            let msg = match *days_late {
                0 if *due < now => Msg::TodayRequestPassed,
                0 => Msg::TodayRequestDue,
                _ => Msg::TodayRequestLate,
            };
            t(lang, msg)
                .replace("{days}", &days_late.to_string())
                .replace(
                    "{time}",
                    due.format_local(offset).get(11..).unwrap_or_default(),
                )
                .replace("{due}", &due.format_local(offset))
        }
        Detail::Care { .. } => t(lang, Msg::TodayCareNotYet).to_string(),
    }
}

/// Why a customer is at risk, as the dashboard's churn warnings say it.
pub fn churn_reason(lang: Lang, w: &ChurnWarning) -> String {
    match w.usual_gap_days {
        Some(gap) => t(lang, Msg::ChurnReasonGap)
            .replace("{days}", &w.recency_days.to_string())
            .replace("{gap}", &gap.max(1).to_string()),
        None => t(lang, Msg::ChurnReasonOnce)
            .replace("{days}", &w.recency_days.to_string())
            .replace("{limit}", &w.limit_days.to_string()),
    }
}

// ---------------------------------------------------------------------------------------------
// Errors the core reports as types (the query language, saved segments, funnels), worded here.
// Each arm holds one message in both languages; the arguments are the error's own fields.

use kezhi_core::funnel::FunnelError;
use kezhi_core::segment::error::{ErrorKind, Expected, ParseError};
use kezhi_core::segment::membership::RefError;

/// A query that does not parse (the segment editor, the builder, the customer list's filter).
pub fn query_error(lang: Lang, e: &ParseError) -> String {
    use ErrorKind::*;
    let zh = lang.is_zh();
    match &e.kind {
        UnexpectedEnd => pick(zh, "查询不完整", "the query ends too early").into(),
        Unexpected(t) if zh => format!("此处不应出现“{t}”"),
        Unexpected(t) => format!("unexpected “{t}”"),
        UnknownField(f) if zh => format!("未知字段“{f}”"),
        UnknownField(f) => format!("unknown field “{f}”"),
        NotFor { field, operator } if zh => format!("“{operator}”不能用于字段 {field}"),
        NotFor { field, operator } => format!("“{operator}” does not apply to {field}"),
        Expected(what) if zh => format!("此处应为{}", expected(lang, *what)),
        Expected(what) => format!("expected {}", expected(lang, *what)),
        UnknownLabel(v) if zh => format!("未知取值“{v}”"),
        UnknownLabel(v) => format!("unknown value “{v}”"),
        UnclosedString => pick(zh, "引号没有闭合", "unclosed quote").into(),
        BadNumber(n) if zh => format!("无法识别的数字“{n}”"),
        BadNumber(n) => format!("not a number: “{n}”"),
        EmptyGroup => pick(zh, "括号内为空", "empty parentheses").into(),
    }
}

/// What the parser expected, as the query error names it. (The Chinese of the keywords WITH,
/// EMPTY, THAN and ANY/ALL/NONE has always been the generic 其他内容.)
pub fn expected(lang: Lang, what: Expected) -> &'static str {
    let (zh, en) = match what {
        Expected::Field => ("字段", "a field"),
        Expected::Operator => ("运算符", "an operator"),
        Expected::Number => ("数字", "a number"),
        Expected::Amount => ("金额（元）", "an amount in yuan"),
        Expected::Date => ("日期（如 2024-01-31）", "a date (2024-01-31)"),
        Expected::Span => (
            "时间跨度（如 30d、12w、3m、1y）",
            "a span (30d, 12w, 3m, 1y)",
        ),
        Expected::QuotedText => ("带引号的文字", "a quoted text"),
        Expected::OpeningParen => ("“(”", "“(”"),
        Expected::ClosingParen => ("“)”", "“)”"),
        Expected::Comma => ("“,”", "“,”"),
        Expected::And => ("AND", "AND"),
        Expected::With => ("其他内容", "WITH"),
        Expected::Empty => ("其他内容", "EMPTY"),
        Expected::Than => ("其他内容", "THAN"),
        Expected::AnyAllNone => ("其他内容", "ANY, ALL or NONE"),
    };
    pick(lang.is_zh(), zh, en)
}

/// A query naming saved segments that cannot be resolved.
pub fn segment_ref_error(lang: Lang, e: &RefError) -> String {
    let zh = lang.is_zh();
    match e {
        RefError::Unknown(n) if zh => format!("没有名为“{n}”的已保存分群"),
        RefError::Unknown(n) => format!("no saved segment is named “{n}”"),
        RefError::Cycle(path) if zh => format!("分群不能循环引用：{}", path.join(" → ")),
        RefError::Cycle(path) => format!(
            "segments cannot refer to each other in a circle: {}",
            path.join(" → ")
        ),
        RefError::Invalid { name, error } if zh => {
            format!("分群“{name}”的查询有误：{}", query_error(lang, error))
        }
        RefError::Invalid { name, error } => format!(
            "the query of segment “{name}” is invalid: {}",
            query_error(lang, error)
        ),
    }
}

/// A funnel definition that cannot be computed, or a funnel URL that cannot be read. (A URL's
/// detail comes from the core in English, in both languages.)
pub fn funnel_error(lang: Lang, e: &FunnelError) -> String {
    let zh = lang.is_zh();
    match e {
        FunnelError::TooFewSteps(n) if zh => format!("漏斗至少需要 2 个步骤，当前 {n} 个"),
        FunnelError::TooFewSteps(n) => format!("a funnel needs at least 2 steps, this one has {n}"),
        FunnelError::TooManySteps(n) if zh => format!("漏斗最多 10 个步骤，当前 {n} 个"),
        FunnelError::TooManySteps(n) => format!("a funnel has at most 10 steps, this one has {n}"),
        FunnelError::EmptyEvent { step } if zh => format!("第 {} 步没有选择事件", step + 1),
        FunnelError::EmptyEvent { step } => format!("step {} has no event type", step + 1),
        FunnelError::EmptyFilterValue { step } if zh => {
            format!("第 {} 步的筛选条件没有取值", step + 1)
        }
        FunnelError::EmptyFilterValue { step } => {
            format!("a filter of step {} has no value", step + 1)
        }
        FunnelError::ZeroWindow => pick(
            zh,
            "转化窗口必须大于 0",
            "the conversion window must be longer than zero",
        )
        .into(),
        FunnelError::WindowTooLong => pick(
            zh,
            "转化窗口不能超过 10 年",
            "the conversion window is longer than ten years",
        )
        .into(),
        FunnelError::EmptyRange => pick(
            zh,
            "第 1 步的日期范围为空",
            "the date range of step 1 is empty",
        )
        .into(),
        FunnelError::OptionalFirstStep => pick(
            zh,
            "第 1 步不能是可选步骤",
            "the first step cannot be optional",
        )
        .into(),
        FunnelError::OptionalLastStep => pick(
            zh,
            "最后一步不能是可选步骤",
            "the last step cannot be optional",
        )
        .into(),
        FunnelError::OptionalInStrictMode => pick(
            zh,
            "严格顺序下不能有可选步骤",
            "optional steps are not available in strict order",
        )
        .into(),
        FunnelError::TooManyExclusions(n) if zh => format!("排除条件最多 10 个，当前 {n} 个"),
        FunnelError::TooManyExclusions(n) => {
            format!("a funnel has at most 10 exclusions, this one has {n}")
        }
        FunnelError::ExclusionEmptyEvent { exclusion } if zh => {
            format!("第 {} 个排除条件没有选择事件", exclusion + 1)
        }
        FunnelError::ExclusionEmptyEvent { exclusion } => {
            format!("exclusion {} has no event type", exclusion + 1)
        }
        FunnelError::ExclusionEmptyFilterValue { exclusion } if zh => {
            format!("第 {} 个排除条件的筛选条件没有取值", exclusion + 1)
        }
        FunnelError::ExclusionEmptyFilterValue { exclusion } => {
            format!("a filter of exclusion {} has no value", exclusion + 1)
        }
        FunnelError::ExclusionBadSteps { exclusion } if zh => {
            format!(
                "第 {} 个排除条件的起始步骤必须在结束步骤之前",
                exclusion + 1
            )
        }
        FunnelError::ExclusionBadSteps { exclusion } => {
            format!(
                "exclusion {}: its first step must come before its last step",
                exclusion + 1
            )
        }
        FunnelError::ExclusionAtOptionalStep { exclusion } if zh => {
            format!("第 {} 个排除条件不能以可选步骤为起止", exclusion + 1)
        }
        FunnelError::ExclusionAtOptionalStep { exclusion } => {
            format!(
                "exclusion {} cannot start or end at an optional step",
                exclusion + 1
            )
        }
        FunnelError::BadUrl(what) if zh => format!("无法识别的漏斗：{what}"),
        FunnelError::BadUrl(what) => format!("not a funnel: {what}"),
    }
}

fn pick(zh: bool, in_zh: &'static str, in_en: &'static str) -> &'static str {
    if zh { in_zh } else { in_en }
}

// ---------------------------------------------------------------------------------------------
// The account manager's desk: how a care message addresses a customer. Chosen by the message's
// language (the core's `written_in_chinese`), not the page's: the message goes to the customer.

use kezhi_core::desk::campaigns::Title;

/// `{title}` in a care message: 先生/女士 in a Chinese message, Mr/Ms in another.
pub fn title_word(title: Title, chinese: bool) -> &'static str {
    match (title, chinese) {
        (Title::Mr, true) => "先生",
        (Title::Ms, true) => "女士",
        (Title::Mr, false) => "Mr",
        (Title::Ms, false) => "Ms",
    }
}

#[cfg(test)]
mod today_tests {
    use super::*;
    use chrono::NaiveDate;
    use uuid::Uuid;

    /// Beijing time; "now" is 2 December 2026, 12:00 there.
    const NOW: Timestamp = Timestamp(1_796_184_000_000);

    fn both(d: &Detail) -> (String, String) {
        let cst = kezhi_core::time::china_offset();
        (
            today_detail(Lang::Zh, d, cst, NOW),
            today_detail(Lang::En, d, cst, NOW),
        )
    }

    fn s(a: &str, b: &str) -> (String, String) {
        (a.to_string(), b.to_string())
    }

    #[test]
    fn every_reason_and_detail_is_worded_in_both_languages() {
        let names: Vec<(&str, &str)> = Reason::ALL
            .iter()
            .map(|&r| (reason_name(Lang::Zh, r), reason_name(Lang::En, r)))
            .collect();
        assert_eq!(
            names,
            [
                ("今日跟进", "Follow-ups due today"),
                ("逾期跟进", "Overdue follow-ups"),
                ("生日", "Birthdays"),
                ("新近流失预警", "Newly at risk"),
                ("需求到期", "Requests due"),
                ("关怀待联系", "Care contacts to make"),
            ]
        );
        // Requests: due later today, due earlier today, days late (times in Beijing).
        let hour = 3_600_000;
        let request = |due: i64, days_late| Detail::Request {
            request: Uuid::from_u128(2),
            category: "complaint".into(),
            priority: kezhi_core::Priority::High,
            due: Timestamp(NOW.millis() + due),
            days_late,
        };
        assert_eq!(
            both(&request(6 * hour, 0)),
            s("今天 18:00 前处理", "due today by 18:00")
        );
        assert_eq!(
            both(&request(-3 * hour, 0)),
            s("已逾期（今天 09:00 到期）", "overdue (due today at 09:00)")
        );
        assert_eq!(
            both(&request(-50 * hour, 2)),
            s(
                "逾期 2 天（应于 2026-11-30 10:00 前处理）",
                "2 days overdue (due 2026-11-30 10:00)"
            )
        );
        assert_eq!(
            both(&Detail::Care {
                task: Uuid::from_u128(3),
                campaign: Uuid::from_u128(4)
            }),
            s("尚未联系", "not contacted yet")
        );
        let activity = Uuid::from_u128(1);
        let date = |m, d| NaiveDate::from_ymd_opt(2026, m, d).expect("date");
        assert_eq!(
            both(&Detail::FollowUp { activity }),
            s("计划今天跟进", "planned for today")
        );
        assert_eq!(
            both(&Detail::Overdue {
                activity,
                due: date(11, 29),
                days: 3
            }),
            s(
                "逾期 3 天（原定 2026-11-29）",
                "3 days overdue (due 2026-11-29)"
            )
        );
        let birthday = |in_days, age| Detail::Birthday {
            on: date(12, 4),
            in_days,
            age,
        };
        assert_eq!(
            both(&birthday(2, Some(36))),
            s(
                "2 天后 36 岁生日（12-04）",
                "birthday in 2 days (12-04), turns 36"
            )
        );
        assert_eq!(
            both(&birthday(2, None)),
            s("2 天后生日（12-04）", "birthday in 2 days (12-04)")
        );
        assert_eq!(
            both(&birthday(0, Some(40))),
            s("今天 40 岁生日", "birthday today, turns 40")
        );
        assert_eq!(both(&birthday(0, None)), s("今天生日", "birthday today"));
        // The dashboard's words for the churn warnings.
        let w = ChurnWarning {
            index: 0,
            recency_days: 42,
            usual_gap_days: Some(10),
            limit_days: 20,
            total_spent: 90_000,
        };
        assert_eq!(
            both(&Detail::AtRisk(w.clone())),
            s(
                "已 42 天未下单，平时约每 10 天一单",
                "no order for 42 days, usually every 10"
            )
        );
        let once = ChurnWarning {
            usual_gap_days: None,
            limit_days: 90,
            recency_days: 100,
            ..w
        };
        assert_eq!(
            both(&Detail::AtRisk(once)),
            s(
                "只下过一单，已 100 天未再购买（超过 90 天）",
                "one order only, none for 100 days (limit 90)"
            )
        );
    }
}

#[cfg(test)]
mod error_tests {
    use super::*;
    use kezhi_core::segment::parse;

    fn both(e: &ParseError) -> (String, String) {
        (query_error(Lang::Zh, e), query_error(Lang::En, e))
    }

    fn kind(kind: ErrorKind) -> (String, String) {
        both(&ParseError { at: 0, kind })
    }

    /// The wording is what the core used to format, word for word (the e2e tests read some).
    #[test]
    fn query_errors_keep_their_words_in_both_languages() {
        let s = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(
            kind(ErrorKind::UnexpectedEnd),
            s("查询不完整", "the query ends too early")
        );
        assert_eq!(
            kind(ErrorKind::Unexpected("city".into())),
            s("此处不应出现“city”", "unexpected “city”")
        );
        assert_eq!(
            kind(ErrorKind::UnknownField("foo".into())),
            s("未知字段“foo”", "unknown field “foo”")
        );
        assert_eq!(
            kind(ErrorKind::NotFor {
                field: "city".into(),
                operator: ">".into()
            }),
            s("“>”不能用于字段 city", "“>” does not apply to city")
        );
        assert_eq!(
            kind(ErrorKind::UnknownLabel("成熟了".into())),
            s("未知取值“成熟了”", "unknown value “成熟了”")
        );
        assert_eq!(
            kind(ErrorKind::UnclosedString),
            s("引号没有闭合", "unclosed quote")
        );
        assert_eq!(
            kind(ErrorKind::BadNumber("1.5".into())),
            s("无法识别的数字“1.5”", "not a number: “1.5”")
        );
        assert_eq!(
            kind(ErrorKind::EmptyGroup),
            s("括号内为空", "empty parentheses")
        );
        let expected = |e| kind(ErrorKind::Expected(e));
        assert_eq!(
            expected(Expected::Field),
            s("此处应为字段", "expected a field")
        );
        assert_eq!(
            expected(Expected::Operator),
            s("此处应为运算符", "expected an operator")
        );
        assert_eq!(
            expected(Expected::Number),
            s("此处应为数字", "expected a number")
        );
        assert_eq!(
            expected(Expected::Amount),
            s("此处应为金额（元）", "expected an amount in yuan")
        );
        assert_eq!(
            expected(Expected::Date),
            s(
                "此处应为日期（如 2024-01-31）",
                "expected a date (2024-01-31)"
            )
        );
        assert_eq!(
            expected(Expected::Span),
            s(
                "此处应为时间跨度（如 30d、12w、3m、1y）",
                "expected a span (30d, 12w, 3m, 1y)"
            )
        );
        assert_eq!(
            expected(Expected::QuotedText),
            s("此处应为带引号的文字", "expected a quoted text")
        );
        assert_eq!(
            expected(Expected::OpeningParen),
            s("此处应为“(”", "expected “(”")
        );
        assert_eq!(
            expected(Expected::ClosingParen),
            s("此处应为“)”", "expected “)”")
        );
        assert_eq!(expected(Expected::Comma), s("此处应为“,”", "expected “,”"));
        assert_eq!(expected(Expected::And), s("此处应为AND", "expected AND"));
        assert_eq!(
            expected(Expected::With),
            s("此处应为其他内容", "expected WITH")
        );
        assert_eq!(
            expected(Expected::Empty),
            s("此处应为其他内容", "expected EMPTY")
        );
        assert_eq!(
            expected(Expected::Than),
            s("此处应为其他内容", "expected THAN")
        );
        assert_eq!(
            expected(Expected::AnyAllNone),
            s("此处应为其他内容", "expected ANY, ALL or NONE")
        );
        // Moved from crates/core/tests/segments.rs: the message quotes what cannot stand there.
        let e = parse("城市 ~ 1").expect_err("bad");
        assert!(query_error(Lang::Zh, &e).contains('~') && query_error(Lang::En, &e).contains('~'));
    }

    #[test]
    fn segment_reference_errors() {
        let cycle = RefError::Cycle(vec!["A".into(), "B".into(), "C".into(), "a".into()]);
        // Moved from crates/core/tests/segments.rs.
        assert_eq!(
            segment_ref_error(Lang::Zh, &cycle),
            "分群不能循环引用：A → B → C → a"
        );
        assert_eq!(
            segment_ref_error(Lang::En, &cycle),
            "segments cannot refer to each other in a circle: A → B → C → a"
        );
        let unknown = RefError::Unknown("无此分群".into());
        assert_eq!(
            segment_ref_error(Lang::Zh, &unknown),
            "没有名为“无此分群”的已保存分群"
        );
        assert_eq!(
            segment_ref_error(Lang::En, &unknown),
            "no saved segment is named “无此分群”"
        );
        let invalid = RefError::Invalid {
            name: "坏".into(),
            error: parse("city = ").expect_err("incomplete"),
        };
        assert_eq!(
            segment_ref_error(Lang::Zh, &invalid),
            "分群“坏”的查询有误：查询不完整"
        );
        assert_eq!(
            segment_ref_error(Lang::En, &invalid),
            "the query of segment “坏” is invalid: the query ends too early"
        );
    }

    #[test]
    fn funnel_errors() {
        let both = |e: FunnelError| (funnel_error(Lang::Zh, &e), funnel_error(Lang::En, &e));
        let s = |a: &str, b: &str| (a.to_string(), b.to_string());
        // Moved from crates/core/tests/funnels.rs.
        assert!(funnel_error(Lang::Zh, &FunnelError::TooFewSteps(1)).contains("至少"));
        assert_eq!(
            both(FunnelError::TooFewSteps(1)),
            s(
                "漏斗至少需要 2 个步骤，当前 1 个",
                "a funnel needs at least 2 steps, this one has 1"
            )
        );
        assert_eq!(
            both(FunnelError::TooManySteps(11)),
            s(
                "漏斗最多 10 个步骤，当前 11 个",
                "a funnel has at most 10 steps, this one has 11"
            )
        );
        assert_eq!(
            both(FunnelError::EmptyEvent { step: 1 }),
            s("第 2 步没有选择事件", "step 2 has no event type")
        );
        assert_eq!(
            both(FunnelError::EmptyFilterValue { step: 0 }),
            s(
                "第 1 步的筛选条件没有取值",
                "a filter of step 1 has no value"
            )
        );
        assert_eq!(
            both(FunnelError::ZeroWindow),
            s(
                "转化窗口必须大于 0",
                "the conversion window must be longer than zero"
            )
        );
        assert_eq!(
            both(FunnelError::WindowTooLong),
            s(
                "转化窗口不能超过 10 年",
                "the conversion window is longer than ten years"
            )
        );
        assert_eq!(
            both(FunnelError::EmptyRange),
            s("第 1 步的日期范围为空", "the date range of step 1 is empty")
        );
        assert_eq!(
            both(FunnelError::BadUrl("no window".into())),
            s("无法识别的漏斗：no window", "not a funnel: no window")
        );
        assert_eq!(
            both(FunnelError::OptionalFirstStep),
            s("第 1 步不能是可选步骤", "the first step cannot be optional")
        );
        assert_eq!(
            both(FunnelError::ExclusionBadSteps { exclusion: 1 }),
            s(
                "第 2 个排除条件的起始步骤必须在结束步骤之前",
                "exclusion 2: its first step must come before its last step"
            )
        );
        assert_eq!(
            both(FunnelError::TooManyExclusions(11)),
            s(
                "排除条件最多 10 个，当前 11 个",
                "a funnel has at most 10 exclusions, this one has 11"
            )
        );
    }
}

// ---------------------------------------------------------------------------------------------
// One translation boundary (issue 15): the names of the core's codes — lifecycle stages, RFM
// groups, funnel fields, templates and buckets, the import's reasons and errors, the exports'
// words. The core returns the code; each name is here in both languages, side by side. (The
// query language's own words for stages and groups are syntax and stay in the core:
// `kezhi_core::segment::resolve::{stage_word, group_word}`.)

use kezhi_core::export::ClassNames;
use kezhi_core::funnel::{FunnelTemplate, PropField, RepurchaseStep};
use kezhi_core::import::{ImportError, Reason as ImportReason};
use kezhi_core::model::{RfmGroup, Stage};

impl Lang {
    /// The language a page's `zh` flag stands for.
    pub fn of_zh(zh: bool) -> Lang {
        if zh { Lang::Zh } else { Lang::En }
    }
}

/// A code the UI names: `code.label(lang)`.
pub trait Localize: Copy {
    fn label(self, lang: Lang) -> &'static str;
}

impl Localize for Stage {
    fn label(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            Stage::Prospect => ("潜在", "Prospect"),
            Stage::Developing => ("开发", "Developing"),
            Stage::Growing => ("成长", "Growing"),
            Stage::Mature => ("成熟", "Mature"),
            Stage::AtRisk => ("流失预警", "At risk"),
            Stage::Churned => ("流失", "Churned"),
        };
        pick(lang.is_zh(), zh, en)
    }
}

impl Localize for RfmGroup {
    fn label(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            RfmGroup::ImportantValue => ("重要价值客户", "Important value"),
            RfmGroup::ImportantDevelop => ("重要发展客户", "Important to develop"),
            RfmGroup::ImportantRetain => ("重要保持客户", "Important to retain"),
            RfmGroup::ImportantWinBack => ("重要挽留客户", "Important to win back"),
            RfmGroup::GeneralValue => ("一般价值客户", "General value"),
            RfmGroup::GeneralDevelop => ("一般发展客户", "General to develop"),
            RfmGroup::GeneralRetain => ("一般保持客户", "General to retain"),
            RfmGroup::GeneralWinBack => ("一般挽留客户", "General to win back"),
        };
        pick(lang.is_zh(), zh, en)
    }
}

/// An event property a funnel step filters on.
impl Localize for PropField {
    fn label(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            PropField::Channel => ("渠道", "Channel"),
            PropField::Item => ("商品", "Item"),
            PropField::Category => ("品类", "Category"),
        };
        pick(lang.is_zh(), zh, en)
    }
}

impl Localize for FunnelTemplate {
    fn label(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            FunnelTemplate::Purchase => ("购买漏斗", "Purchase funnel"),
            FunnelTemplate::Repurchase => ("复购漏斗", "Repurchase funnel"),
            FunnelTemplate::Stages => ("生命周期阶段", "Lifecycle stages"),
        };
        pick(lang.is_zh(), zh, en)
    }
}

impl Localize for RepurchaseStep {
    fn label(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            RepurchaseStep::First => ("首次支付订单", "First paid order"),
            RepurchaseStep::Second => ("再次支付订单", "Second paid order"),
        };
        pick(lang.is_zh(), zh, en)
    }
}

/// The label of a known event type (the purchase funnel's steps), `None` for another.
pub fn event_label(lang: Lang, event: &str) -> Option<&'static str> {
    use kezhi_core::model::event_type as et;
    let (zh, en) = match event {
        et::VISIT => ("访问", "Visit"),
        et::VIEW => ("浏览商品", "View item"),
        et::ADD_TO_CART => ("加购", "Add to cart"),
        et::CHECKOUT => ("下单", "Check out"),
        et::PAY => ("支付", "Pay"),
        _ => return None,
    };
    Some(pick(lang.is_zh(), zh, en))
}

/// The label of bucket `i` of the time-to-convert histogram (`funnel::TIME_BUCKETS`).
pub fn time_bucket_label(lang: Lang, i: usize) -> &'static str {
    const LABELS: [(&str, &str); 8] = [
        ("< 1 分钟", "< 1 min"),
        ("1–10 分钟", "1–10 min"),
        ("10 分钟–1 小时", "10 min–1 h"),
        ("1–6 小时", "1–6 h"),
        ("6–24 小时", "6–24 h"),
        ("1–7 天", "1–7 d"),
        ("7–30 天", "7–30 d"),
        ("≥ 30 天", "≥ 30 d"),
    ];
    LABELS
        .get(i)
        .map_or("", |&(zh, en)| pick(lang.is_zh(), zh, en))
}

/// The name of a ready-made segment (`segment::templates::TEMPLATES`) by its code; an unknown
/// code is shown as itself.
pub fn segment_template_name(lang: Lang, code: &str) -> &str {
    let (zh, en) = match code {
        "high_value" => ("高价值客户", "High value"),
        "new" => ("新客", "New customers"),
        "at_risk" => ("流失预警", "At risk"),
        "dormant" => ("沉睡客户", "Dormant"),
        "premium" => ("优质客户（≥ ¥50,000）", "Premium (≥ ¥50,000)"),
        "repeat" => ("复购客户", "Repeat buyers"),
        "browsers" => ("只逛不买", "Browse, never buy"),
        "cart_no_order" => ("加购未下单", "Added to cart, no order since"),
        _ => return code,
    };
    pick(lang.is_zh(), zh, en)
}

/// Why a value or a row was not imported (the error list, the error report).
pub fn import_reason(lang: Lang, reason: &ImportReason) -> String {
    let (zh, en): (&str, &str) = match reason {
        ImportReason::Missing => ("缺少必填值", "required value is empty"),
        ImportReason::NotATime => ("无法识别的日期时间", "not a date or time"),
        ImportReason::InvalidDate => ("日期或时间不存在", "no such date or time"),
        ImportReason::DateOrderConflict => (
            "与本列的日/月顺序不符",
            "does not fit the day/month order of this column",
        ),
        ImportReason::NotANumber => ("不是数字或金额", "not a number or amount"),
        ImportReason::OutOfRange => ("数值过大", "number out of range"),
        ImportReason::NotAPhone => ("不是有效的电话号码", "not a phone number"),
        ImportReason::NotAnEmail => ("不是有效的邮箱", "not an e-mail address"),
        ImportReason::ScientificId => (
            "编号被 Excel 写成科学计数法，数字已丢失（请将该列设为文本后重新导出）",
            "id in scientific notation, its digits are lost (format the column as text and export again)",
        ),
        ImportReason::NoIdentity => (
            "没有客户编号、姓名、手机或邮箱",
            "no external id, name, phone or e-mail",
        ),
        ImportReason::OrderCustomerConflict { order, customer } => {
            return if lang.is_zh() {
                format!("订单 {order} 的其他明细属于客户 {customer}")
            } else {
                format!("other lines of order {order} belong to customer {customer}")
            };
        }
    };
    pick(lang.is_zh(), zh, en).to_string()
}

/// Why a file cannot be imported at all.
pub fn import_error(lang: Lang, e: &ImportError) -> String {
    let zh = lang.is_zh();
    match e {
        ImportError::Empty => pick(zh, "文件是空的", "the file is empty").into(),
        ImportError::Workbook(e) if zh => format!("无法读取该 Excel 文件：{e}"),
        ImportError::Workbook(e) => format!("the workbook cannot be read: {e}"),
        ImportError::NoSuchSheet(name) if zh => format!("工作簿中没有名为 {name} 的工作表"),
        ImportError::NoSuchSheet(name) => format!("the workbook has no sheet named {name}"),
        ImportError::Unmapped(fields) if zh => {
            format!("以下必填字段尚未对应到列：{}", fields.join("、"))
        }
        ImportError::Unmapped(fields) => {
            format!("required fields are not mapped: {}", fields.join(", "))
        }
    }
}

/// The import's error report's header: row, column, value, reason.
pub fn import_errors_header(lang: Lang) -> [&'static str; 4] {
    if lang.is_zh() {
        ["行号", "列", "值", "原因"]
    } else {
        ["row", "column", "value", "reason"]
    }
}

/// The customer export's sheet.
pub fn customers_sheet(lang: Lang) -> &'static str {
    pick(lang.is_zh(), "客户", "Customers")
}

/// The customer export's words for the stages and RFM groups.
pub fn class_names(lang: Lang) -> ClassNames {
    ClassNames::of(|s| s.label(lang), |g| g.label(lang))
}

#[cfg(test)]
mod boundary_tests {
    use super::*;

    fn both<T: Localize>(x: T) -> (&'static str, &'static str) {
        (x.label(Lang::Zh), x.label(Lang::En))
    }

    #[test]
    fn stage_and_group_names() {
        assert_eq!(both(Stage::Mature), ("成熟", "Mature"));
        assert_eq!(both(Stage::AtRisk), ("流失预警", "At risk"));
        assert_eq!(both(Stage::Prospect), ("潜在", "Prospect"));
        assert_eq!(both(Stage::Developing), ("开发", "Developing"));
        assert_eq!(
            both(RfmGroup::ImportantValue),
            ("重要价值客户", "Important value")
        );
        assert_eq!(
            both(RfmGroup::GeneralWinBack),
            ("一般挽留客户", "General to win back")
        );
        // Every class named in both languages, no two alike.
        let mut names: Vec<&str> = Stage::ALL
            .iter()
            .flat_map(|&s| [s.label(Lang::Zh), s.label(Lang::En)])
            .chain(
                RfmGroup::ALL
                    .iter()
                    .flat_map(|&g| [g.label(Lang::Zh), g.label(Lang::En)]),
            )
            .collect();
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), n);
        assert_eq!(n, 28);
    }

    #[test]
    fn the_export_writes_the_pages_words() {
        let zh = class_names(Lang::Zh);
        assert_eq!(zh.stage(Stage::Developing), "开发");
        assert_eq!(zh.group(RfmGroup::GeneralWinBack), "一般挽留客户");
        let en = class_names(Lang::En);
        assert_eq!(en.stage(Stage::Churned), "Churned");
        assert_eq!(en.group(RfmGroup::ImportantRetain), "Important to retain");
        assert_eq!(
            (customers_sheet(Lang::Zh), customers_sheet(Lang::En)),
            ("客户", "Customers")
        );
    }

    #[test]
    fn event_labels_and_funnel_words() {
        assert_eq!(event_label(Lang::Zh, "add_to_cart"), Some("加购"));
        assert_eq!(event_label(Lang::En, "pay"), Some("Pay"));
        assert_eq!(event_label(Lang::Zh, "visit"), Some("访问"));
        assert_eq!(event_label(Lang::En, "refund"), None);
        assert_eq!(both(PropField::Category), ("品类", "Category"));
        assert_eq!(both(PropField::Channel), ("渠道", "Channel"));
        assert_eq!(
            both(FunnelTemplate::Purchase),
            ("购买漏斗", "Purchase funnel")
        );
        assert_eq!(
            both(FunnelTemplate::Stages),
            ("生命周期阶段", "Lifecycle stages")
        );
        assert_eq!(
            both(RepurchaseStep::Second),
            ("再次支付订单", "Second paid order")
        );
        assert_eq!(time_bucket_label(Lang::Zh, 0), "< 1 分钟");
        assert_eq!(time_bucket_label(Lang::En, 2), "10 min–1 h");
        assert_eq!(time_bucket_label(Lang::Zh, 7), "≥ 30 天");
        // One label per bucket of the core's histogram.
        let n = kezhi_core::funnel::TIME_BUCKETS.len();
        assert!((0..n).all(|i| !time_bucket_label(Lang::En, i).is_empty()));
        assert_eq!(time_bucket_label(Lang::En, n), "");
    }

    #[test]
    fn every_segment_template_is_named() {
        for (code, _) in kezhi_core::segment::saved::TEMPLATES {
            assert_ne!(segment_template_name(Lang::Zh, code), code, "{code}");
            assert_ne!(segment_template_name(Lang::En, code), code, "{code}");
        }
        assert_eq!(segment_template_name(Lang::Zh, "high_value"), "高价值客户");
        assert_eq!(segment_template_name(Lang::En, "at_risk"), "At risk");
        assert_eq!(
            segment_template_name(Lang::Zh, "premium"),
            "优质客户（≥ ¥50,000）"
        );
        assert_eq!(segment_template_name(Lang::En, "gone"), "gone");
    }

    #[test]
    fn import_reasons_errors_and_report_header() {
        assert_eq!(
            import_reason(Lang::Zh, &ImportReason::NotATime),
            "无法识别的日期时间"
        );
        assert_eq!(
            import_reason(Lang::En, &ImportReason::NotANumber),
            "not a number or amount"
        );
        let conflict = ImportReason::OrderCustomerConflict {
            order: "A1".into(),
            customer: "c9".into(),
        };
        assert_eq!(
            import_reason(Lang::Zh, &conflict),
            "订单 A1 的其他明细属于客户 c9"
        );
        assert_eq!(
            import_reason(Lang::En, &conflict),
            "other lines of order A1 belong to customer c9"
        );
        assert_eq!(import_error(Lang::Zh, &ImportError::Empty), "文件是空的");
        // The English is the typed error's own.
        let unmapped = ImportError::Unmapped(vec!["order_id", "amount"]);
        assert_eq!(import_error(Lang::En, &unmapped), unmapped.to_string());
        assert_eq!(
            import_error(Lang::Zh, &unmapped),
            "以下必填字段尚未对应到列：order_id、amount"
        );
        assert_eq!(
            import_error(Lang::Zh, &ImportError::NoSuchSheet("S".into())),
            "工作簿中没有名为 S 的工作表"
        );
        assert_eq!(import_errors_header(Lang::Zh), ["行号", "列", "值", "原因"]);
        assert_eq!(
            import_errors_header(Lang::En),
            ["row", "column", "value", "reason"]
        );
    }
}

// ---- Backups and the files worker: the core's typed refusals in words (issue 12) ----

use kezhi_core::files::Refusal;
use kezhi_core::store::Section;
use kezhi_core::store::backup::BackupError;

/// A section of a backup, as its records are called.
fn section_name(lang: Lang, section: Section) -> &'static str {
    match (lang, section) {
        (Lang::Zh, Section::Customers) => "客户",
        (Lang::Zh, Section::Orders) => "订单",
        (Lang::Zh, Section::Events) => "行为",
        (Lang::Zh, Section::Activities) => "跟进记录",
        (Lang::Zh, Section::Desk) => "工作台记录",
        (Lang::En, Section::Customers) => "customers",
        (Lang::En, Section::Orders) => "orders",
        (Lang::En, Section::Events) => "events",
        (Lang::En, Section::Activities) => "activities",
        (Lang::En, Section::Desk) => "desk records",
    }
}

/// Why a backup file cannot be restored. A damaged section's technical detail (the decoder's
/// own words) follows in English in both languages.
pub fn backup_error(lang: Lang, e: &BackupError) -> String {
    let zh = lang.is_zh();
    match e {
        BackupError::NotABackup if zh => "这不是客知的备份文件".to_string(),
        BackupError::NotABackup => "not a kezhi backup file".to_string(),
        BackupError::TooNew(v) if zh => format!("该备份由更新版本的客知生成（格式 {v}），请先升级"),
        BackupError::TooNew(v) => format!("made by a newer version of kezhi (backup format {v})"),
        BackupError::Damaged { section, error } if zh => {
            format!("备份中的{}已损坏：{error}", section_name(lang, *section))
        }
        BackupError::Damaged { section, error } => format!(
            "the {} in the backup are damaged: {error}",
            section_name(lang, *section)
        ),
        BackupError::Incomplete {
            section,
            expected,
            found,
        } if zh => format!(
            "备份应有 {expected} 条{}，实际只有 {found} 条",
            section_name(lang, *section)
        ),
        BackupError::Incomplete {
            section,
            expected,
            found,
        } => format!(
            "the backup says it holds {expected} {} but holds {found}",
            section_name(lang, *section)
        ),
    }
}

/// A message in both languages (the page may switch language while it shows): what the
/// files worker's refusals and failures are worded as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    pub fn get(&self, chinese: bool) -> &str {
        if chinese { &self.zh } else { &self.en }
    }
}

/// Why the files worker could not read or import a file, in both languages.
pub fn import_failure(e: &ImportError) -> Text {
    Text {
        zh: import_error(Lang::Zh, e),
        en: import_error(Lang::En, e),
    }
}

/// Why the files worker could not do a request, in both languages (the page may switch
/// language while the message shows).
pub fn refusal(r: &Refusal) -> Text {
    let say = |lang: Lang| {
        let zh = lang.is_zh();
        match r {
            Refusal::NoFile if zh => "没有打开的文件，请重新选择文件".to_string(),
            Refusal::NoFile => "No file is open: choose the file again".to_string(),
            Refusal::Xlsx(e) if zh => format!("无法生成 Excel 文件：{e}"),
            Refusal::Xlsx(e) => format!("The Excel file could not be written: {e}"),
            Refusal::Backup(e) => backup_error(lang, e),
            Refusal::UnreadableRequest if zh => {
                "文件处理模块无法读取请求（版本不一致？请刷新页面）".to_string()
            }
            Refusal::UnreadableRequest => {
                "The file reader could not read the request (another version? reload the page)"
                    .to_string()
            }
        }
    };
    Text {
        zh: say(Lang::Zh),
        en: say(Lang::En),
    }
}

#[cfg(test)]
mod backup_wording_tests {
    use super::*;
    use kezhi_core::store::codec::DecodeError;

    #[test]
    fn backup_refusals_read_in_both_languages() {
        let both = |e: &BackupError| (backup_error(Lang::Zh, e), backup_error(Lang::En, e));
        let s = |zh: &str, en: &str| (zh.to_string(), en.to_string());
        assert_eq!(
            both(&BackupError::NotABackup),
            s("这不是客知的备份文件", "not a kezhi backup file")
        );
        assert_eq!(
            both(&BackupError::TooNew(9)),
            s(
                "该备份由更新版本的客知生成（格式 9），请先升级",
                "made by a newer version of kezhi (backup format 9)"
            )
        );
        assert_eq!(
            both(&BackupError::Damaged {
                section: Section::Events,
                error: DecodeError::Inflate
            }),
            s(
                "备份中的行为已损坏：compressed data is damaged",
                "the events in the backup are damaged: compressed data is damaged"
            )
        );
        assert_eq!(
            both(&BackupError::Incomplete {
                section: Section::Activities,
                expected: 5,
                found: 4
            }),
            s(
                "备份应有 5 条跟进记录，实际只有 4 条",
                "the backup says it holds 5 activities but holds 4"
            )
        );
        // The English wording is the error's own (logs read the same).
        let e = BackupError::Incomplete {
            section: Section::Orders,
            expected: 2,
            found: 1,
        };
        assert_eq!(backup_error(Lang::En, &e), e.to_string());
    }

    #[test]
    fn the_files_workers_refusals_read_in_both_languages() {
        assert_eq!(
            refusal(&Refusal::NoFile),
            Text {
                zh: "没有打开的文件，请重新选择文件".into(),
                en: "No file is open: choose the file again".into()
            }
        );
        assert_eq!(
            refusal(&Refusal::Xlsx("zip".into())),
            Text {
                zh: "无法生成 Excel 文件：zip".into(),
                en: "The Excel file could not be written: zip".into()
            }
        );
        assert_eq!(
            refusal(&Refusal::Backup(BackupError::NotABackup)).zh,
            "这不是客知的备份文件"
        );
        assert!(
            refusal(&Refusal::UnreadableRequest)
                .zh
                .contains("请刷新页面")
        );
    }
}
