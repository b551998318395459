//! Request cards (需求卡): deadlines from a service level per category, status changes, the
//! list filters and the dashboard figures.
