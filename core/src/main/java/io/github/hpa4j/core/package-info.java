/** jemalloc's HPA policy (hpdata, psset, hpa shard, eden, fb, fxp, page size classes) as pure single-threaded Java. */
package io.github.hpa4j.core;
