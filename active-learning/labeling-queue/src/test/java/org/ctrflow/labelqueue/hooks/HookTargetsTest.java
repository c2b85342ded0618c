package org.ctrflow.labelqueue.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The hook target policy's decisions. The service tests send real requests; these cover what a test
 * machine cannot stage: a DNS name that changes its answer between registration and delivery
 * (rebinding), names with several addresses, the IPv6 forms that embed an IPv4 address.
 */
class HookTargetsTest {

  private static InetAddress ip(String literal) throws UnknownHostException {
    return InetAddress.getByName(literal);
  }

  /** A resolver answering {@code hooks.example.com} from a script, one answer per lookup. */
  private static HookTargets.Resolver scripted(Deque<InetAddress[]> answers) {
    return host -> {
      if (!host.equals("hooks.example.com") || answers.isEmpty()) {
        throw new UnknownHostException(host);
      }
      return answers.size() > 1 ? answers.poll() : answers.peek();
    };
  }

  @Test
  void aNameThatRebindsToAnInternalAddressIsRefusedAtDelivery() throws Exception {
    Deque<InetAddress[]> answers = new ArrayDeque<>();
    answers.add(new InetAddress[] {ip("93.184.215.14")});
    answers.add(new InetAddress[] {ip("169.254.169.254")});
    HookTargets targets = HookTargets.of(List.of(), scripted(answers));
    URI uri = targets.requireAllowed("https://hooks.example.com/in");
    assertThat(targets.permits(uri.toString())).isFalse();
  }

  @Test
  void everyAddressOfANameMustBeAllowed() throws Exception {
    Deque<InetAddress[]> answers = new ArrayDeque<>();
    answers.add(new InetAddress[] {ip("93.184.215.14"), ip("10.1.2.3")});
    HookTargets targets = HookTargets.of(List.of(), scripted(answers));
    assertThatThrownBy(() -> targets.requireAllowed("https://hooks.example.com/in"))
        .hasMessage(
            "url: hooks.example.com is at 10.1.2.3, an internal address; allow its network with"
                + " --hook-allowed-networks to send hooks there");
    assertThatThrownBy(() -> targets.requireAllowed("https://nowhere.example.com/in"))
        .hasMessage("url: host nowhere.example.com does not resolve");
  }

  @Test
  void allowedNetworksOpenExactlyThemselves() throws Exception {
    HookTargets targets =
        HookTargets.of(List.of("10.20.0.0/16", " 127.0.0.1/32", "fd00::/8", "192.168.7.9"));
    assertThat(targets.permits("http://10.20.3.4/h")).isTrue();
    assertThat(targets.permits("http://10.21.0.1/h")).isFalse();
    assertThat(targets.permits("http://127.0.0.1:8080/h")).isTrue();
    assertThat(targets.permits("http://127.0.0.2/h")).isFalse();
    assertThat(targets.permits("http://[fd12::1]/h")).isTrue();
    assertThat(targets.permits("http://192.168.7.9/h")).isTrue();
    assertThat(targets.permits("http://192.168.7.10/h")).isFalse();
    // Metadata names stay refused whatever the networks allowed.
    assertThat(HookTargets.of(List.of("0.0.0.0/0")).permits("http://metadata.google.internal/"))
        .isFalse();
  }

  @Test
  void malformedNetworksNameTheOption() {
    for (String bad : List.of("10.0.0.0/33", "example.com/8", "10.0.0.0/x", "010.0.0.1/32")) {
      assertThatThrownBy(() -> HookTargets.of(List.of(bad)))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("--hook-allowed-networks: '" + bad + "'");
    }
  }

  @Test
  void internalCoversTheFormsThatEmbedAnInternalIpv4Address() throws Exception {
    for (String internal :
        List.of(
            "127.0.0.1",
            "0.0.0.0",
            "10.9.8.7",
            "172.31.255.255",
            "192.168.0.1",
            "169.254.169.254",
            "100.100.100.200",
            "198.18.0.1",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fe80::1",
            "fc00::1",
            "::ffff:127.0.0.1",
            "::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::1")) {
      assertThat(HookTargets.internal(ip(internal))).as(internal).isTrue();
    }
    for (String external :
        List.of("93.184.215.14", "8.8.8.8", "172.32.0.1", "2606:4700::1111", "2002:5db8:d70e::1")) {
      assertThat(HookTargets.internal(ip(external))).as(external).isFalse();
    }
  }
}
