package io.github.hpa4j.actors;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** A dehugify call: a slab's hugepage backing given up before a purge. Its duration is the OS call's, on a page worker. */
@Name("io.github.hpa4j.Dehugify")
@Label("Dehugify")
@Category("hpa4j")
@Description("MADV_NOHUGEPAGE of a slab before part of it is purged")
final class DehugifyEvent extends PageCallEvent {}
