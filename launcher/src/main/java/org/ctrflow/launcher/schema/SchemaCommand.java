package org.ctrflow.launcher.schema;

import picocli.CommandLine.Command;

/** {@code ctrflow schema}: propose a feature schema from a sample, or validate one. */
@Command(
    name = "schema",
    mixinStandardHelpOptions = true,
    description =
        "Feature schemas: 'ctrflow schema infer --help' proposes one from a sample of your data,"
            + " 'ctrflow schema check FILE' validates one.",
    subcommands = {InferCommand.class, CheckCommand.class})
public final class SchemaCommand {}
