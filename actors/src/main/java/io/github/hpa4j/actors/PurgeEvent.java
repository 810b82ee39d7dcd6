package io.github.hpa4j.actors;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** A purge call: dirty pages given back to the OS. Its duration is the OS call's, on a page worker. */
@Name("io.github.hpa4j.Purge")
@Label("Purge")
@Category("hpa4j")
@Description("MADV_DONTNEED of a dirty range: the pages go back to the OS")
final class PurgeEvent extends PageCallEvent {}
