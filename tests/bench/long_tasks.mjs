// The benchmarks' long-task watch: every page of `context` records each long task a
// PerformanceObserver sees as [start, duration] (ms, rounded) in `window.__longTasks`,
// buffered from the page's start.
export const watchLongTasks = (context) => context.addInitScript(() => {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push([Math.round(e.startTime), Math.round(e.duration)]);
  }).observe({ type: 'longtask', buffered: true });
});
