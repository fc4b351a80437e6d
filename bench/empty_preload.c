// A preload library that does nothing: the start-up a process pays for preloading any library
// at all on this machine (opening it, mapping it, the page faults), against which kashim's own
// share of the start-up cost is told apart.
int kashim_bench_empty_preload;
