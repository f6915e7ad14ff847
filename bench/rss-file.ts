// The environment variable that tells the preload module (rss-preload.ts) where to write the peak
// RSS. It must not start with SYNCED_: synced takes those as options and warns about unknown ones.
export const RSS_FILE_VARIABLE = "BENCH_MAXRSS_FILE";
