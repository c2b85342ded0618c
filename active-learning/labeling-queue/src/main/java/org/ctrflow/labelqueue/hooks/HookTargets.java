package org.ctrflow.labelqueue.hooks;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where web hooks may go. A hook URL is chosen by whoever holds an admin token, and the queue then
 * sends requests to it from inside the network: without a policy it is a way to reach cloud
 * metadata services, databases and admin ports (server-side request forgery). So targets that
 * resolve to loopback, private, link-local, shared or reserved addresses are refused, unless an
 * operator allows their network explicitly ({@code --hook-allowed-networks}); so are cloud metadata
 * host names, user info in the URL and numeric host forms other than the canonical ones.
 *
 * <p>The check runs at registration and again before every delivery, on the addresses the host
 * resolves to then: a name that resolved to a public address at registration and to an internal one
 * later (DNS rebinding) is refused at delivery. The HTTP client resolves the name again right after
 * the check; the JVM's address cache (30 s by default) answers it with the addresses just checked.
 */
public final class HookTargets {

  /** Resolves a host name to every address it has. */
  @FunctionalInterface
  public interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  /** Host names of cloud metadata services; refused whatever they resolve to. */
  private static final Set<String> METADATA_HOSTS =
      Set.of(
          "metadata",
          "metadata.google.internal",
          "metadata.goog",
          "instance-data",
          "instance-data.ec2.internal",
          "metadata.azure.internal");

  /**
   * A label of a numeric host form (decimal, octal with a leading 0, hex with 0x): resolvers read
   * {@code 2852039166}, {@code 0251.0376.0251.0376} or {@code 0xa9fea9fe} as 169.254.169.254.
   */
  private static final Pattern NUMERIC_LABEL = Pattern.compile("(?i)0x[0-9a-f]*|[0-9]+");

  private static final Pattern CANONICAL_IPV4 =
      Pattern.compile(
          "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

  private record Network(byte[] address, int prefixLength) {
    boolean contains(InetAddress a) {
      byte[] b = a.getAddress();
      if (b.length != address.length) {
        return false;
      }
      for (int bit = 0; bit < prefixLength; bit++) {
        int mask = 0x80 >>> (bit % 8);
        if ((b[bit / 8] & mask) != (address[bit / 8] & mask)) {
          return false;
        }
      }
      return true;
    }
  }

  private final List<Network> allowed;
  private final Resolver resolver;

  private HookTargets(List<Network> allowed, Resolver resolver) {
    this.allowed = allowed;
    this.resolver = resolver;
  }

  /**
   * The policy allowing {@code allowedNetworks} (CIDRs like {@code 10.20.0.0/16}, or single
   * addresses) besides public addresses, resolving names with {@code resolver}.
   *
   * @throws IllegalArgumentException naming the option and the bad entry
   */
  public static HookTargets of(List<String> allowedNetworks, Resolver resolver) {
    List<Network> networks = new ArrayList<>();
    for (String entry : allowedNetworks) {
      networks.add(network(entry.strip()));
    }
    return new HookTargets(List.copyOf(networks), resolver);
  }

  /** As {@link #of(List, Resolver)}, resolving with the system's resolver. */
  public static HookTargets of(List<String> allowedNetworks) {
    return of(allowedNetworks, InetAddress::getAllByName);
  }

  private static Network network(String cidr) {
    String where = "--hook-allowed-networks: '" + cidr + "' ";
    int slash = cidr.indexOf('/');
    String host = slash < 0 ? cidr : cidr.substring(0, slash);
    byte[] address = literal(host);
    if (address == null) {
      throw new IllegalArgumentException(
          where + "is not an IP address or CIDR, e.g. 10.20.0.0/16 or 127.0.0.1/32");
    }
    int bits = address.length * 8;
    int prefix;
    try {
      prefix = slash < 0 ? bits : Integer.parseInt(cidr.substring(slash + 1));
    } catch (NumberFormatException e) {
      prefix = -1;
    }
    if (prefix < 0 || prefix > bits) {
      throw new IllegalArgumentException(where + "needs a prefix length of 0.." + bits);
    }
    return new Network(address, prefix);
  }

  /** The bytes of a canonical IPv4 or an IPv6 literal, else null; never asks DNS. */
  private static byte[] literal(String host) {
    String h =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (!CANONICAL_IPV4.matcher(h).matches() && !h.contains(":")) {
      return null;
    }
    try {
      return InetAddress.getByName(h).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /**
   * Checks a URL a subscriber registers.
   *
   * @return the URL
   * @throws IllegalArgumentException starting {@code url: } and saying what is not allowed
   */
  public URI requireAllowed(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("url: not a valid URL: " + e.getMessage());
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw new IllegalArgumentException("url: must be http:// or https://; was " + url);
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "url: must not carry user info (user:password@); authenticate with the signature");
    }
    String host = host(uri);
    if (host == null) {
      throw new IllegalArgumentException(
          "url: needs a host name or an IP address in canonical form (dotted decimal, or [IPv6]);"
              + " was "
              + url);
    }
    if (METADATA_HOSTS.contains(host)) {
      throw new IllegalArgumentException("url: " + host + " is a cloud metadata service");
    }
    InetAddress[] addresses;
    try {
      addresses = resolver.resolve(host);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("url: host " + host + " does not resolve");
    }
    for (InetAddress a : addresses) {
      if (!permitted(a)) {
        throw new IllegalArgumentException(
            "url: "
                + host
                + " is "
                + (host.equals(a.getHostAddress()) ? "" : "at " + a.getHostAddress() + ", ")
                + "an internal address; allow its network with --hook-allowed-networks to send"
                + " hooks there");
      }
    }
    return uri;
  }

  /** Whether a delivery to {@code url} may go out now (its host resolved again and checked). */
  public boolean permits(String url) {
    try {
      requireAllowed(url);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The host, lower case without a trailing dot; null when absent or numeric but not canonical. */
  private static String host(URI uri) {
    String host = uri.getHost();
    if (host == null) {
      return null;
    }
    host = host.toLowerCase(Locale.ROOT);
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    boolean numeric =
        Arrays.stream(host.split("\\.", -1)).allMatch(l -> NUMERIC_LABEL.matcher(l).matches());
    return numeric && !CANONICAL_IPV4.matcher(host).matches() ? null : host;
  }

  private boolean permitted(InetAddress a) {
    return !internal(a) || allowed.stream().anyMatch(n -> n.contains(a));
  }

  /** Loopback, private, link-local, shared, reserved, or an IPv6 form embedding one of those. */
  static boolean internal(InetAddress a) {
    if (a.isAnyLocalAddress()
        || a.isLoopbackAddress()
        || a.isLinkLocalAddress()
        || a.isSiteLocalAddress()
        || a.isMulticastAddress()) {
      return true;
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      int b0 = b[0] & 0xff;
      int b1 = b[1] & 0xff;
      return b0 == 0 // "this network"
          || (b0 == 100 && (b1 & 0xc0) == 64) // 100.64/10, carrier-grade NAT (Alibaba metadata)
          || (b0 == 192 && b1 == 0 && (b[2] & 0xff) == 0) // 192.0.0/24, protocol assignments
          || (b0 == 198 && (b1 & 0xfe) == 18) // 198.18/15, benchmarking
          || b0 >= 240; // reserved and broadcast
    }
    if ((b[0] & 0xfe) == 0xfc) {
      return true; // fc00::/7, unique local
    }
    byte[] embedded = embeddedIpv4((Inet6Address) a);
    if (embedded != null) {
      try {
        return internal(InetAddress.getByAddress(embedded));
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    }
    return false;
  }

  /** The IPv4 address inside an IPv4-compatible, NAT64 (64:ff9b::/96) or 6to4 address. */
  private static byte[] embeddedIpv4(Inet6Address a) {
    byte[] b = a.getAddress();
    boolean zeros96 = true;
    for (int i = 0; i < 12; i++) {
      zeros96 &= b[i] == 0;
    }
    boolean nat64 = b[0] == 0 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
    for (int i = 4; nat64 && i < 12; i++) {
      nat64 = b[i] == 0;
    }
    if (zeros96 || nat64) {
      return new byte[] {b[12], b[13], b[14], b[15]};
    }
    if (b[0] == 0x20 && b[1] == 0x02) {
      return new byte[] {b[2], b[3], b[4], b[5]};
    }
    return null;
  }
}
