//! Recommendations: the lists the job is organised around (to follow up, recommended) and
//! conversion per manager and per product.
