/** Akka Typed actors around core: the eden actor, one actor per shard, the page worker, and the ask-pattern facade. */
package io.github.hpa4j.actors;
