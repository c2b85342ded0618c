package org.ctrflow.connectors.generator;

import java.util.Optional;
import org.ctrflow.connectors.events.Click;
import org.ctrflow.connectors.events.Impression;

/**
 * One generated impression, its click if the teacher's coin said so, and the truth behind it.
 *
 * @param index 0-based position in the stream
 * @param impression the impression
 * @param click the click on it, if any
 * @param pTrue the teacher's click probability for it
 * @param phase how many drift steps had happened before it (0 before the first)
 */
public record SyntheticEvent(
    long index, Impression impression, Optional<Click> click, double pTrue, int phase) {}
