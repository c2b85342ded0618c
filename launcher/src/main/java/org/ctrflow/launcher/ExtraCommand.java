package org.ctrflow.launcher;

/**
 * A top-level {@code ctrflow} command that another module ships (the benchmarks module's {@code
 * bench}): a picocli {@code @Command} class with a public no-argument constructor, named in that
 * module's {@code META-INF/services/org.ctrflow.launcher.ExtraCommand}. {@link
 * CtrflowCommand#commandLine()} adds every one found on the class path, so the launcher needs no
 * compile-time dependency on modules built on top of it.
 */
public interface ExtraCommand {}
