package io.github.hpa4j.actors;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** A hugify call: a dense slab asked to be backed by hugepages. Its duration is the OS call's, on a page worker. */
@Name("io.github.hpa4j.Hugify")
@Label("Hugify")
@Category("hpa4j")
@Description("A range asked to be backed by hugepages (MADV_HUGEPAGE or MADV_COLLAPSE, by hugify style)")
final class HugifyEvent extends PageCallEvent {}
