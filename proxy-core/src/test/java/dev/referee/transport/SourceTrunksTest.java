package dev.referee.transport;

import dev.referee.config.Cidr;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SourceTrunksTest
{
    @Test
    void shouldSelectTheFirstTrunkInOrderThatHoldsTheAddress() throws Exception
    {
        final SourceTrunks trunks = new SourceTrunks(List.of(
            trunk("pbx", "10.1.0.0/16", "192.0.2.7"),
            trunk("carrier", "10.0.0.0/8", "2001:db8::/32"),
            trunk("any-v6", "::/0")));

        assertEquals(0, trunks.trunkOf(ip("10.1.200.3")), "overlapping blocks: the first trunk wins, as for REFER");
        assertEquals(1, trunks.trunkOf(ip("10.2.0.1")));
        assertEquals(0, trunks.trunkOf(ip("192.0.2.7")));
        assertEquals(SourceTrunks.NO_TRUNK, trunks.trunkOf(ip("192.0.2.8")));
        assertEquals(SourceTrunks.NO_TRUNK, trunks.trunkOf(ip("11.0.0.1")));
        assertEquals(1, trunks.trunkOf(ip("2001:db8:ffff::1")));
        assertEquals(2, trunks.trunkOf(ip("2001:db9::1")), "an IPv6 /0 holds every IPv6 address");
        assertEquals(SourceTrunks.NO_TRUNK, new SourceTrunks(List.of()).trunkOf(ip("127.0.0.1")));
    }

    @Test
    void shouldKeepFamiliesApart() throws Exception
    {
        final SourceTrunks v4 = new SourceTrunks(List.of(trunk("all-v4", "0.0.0.0/0")));
        assertEquals(0, v4.trunkOf(ip("203.0.113.9")));
        assertEquals(SourceTrunks.NO_TRUNK, v4.trunkOf(ip("::1")));
        assertEquals(SourceTrunks.NO_TRUNK, new SourceTrunks(List.of(trunk("v6", "::1"))).trunkOf(ip("0.0.0.1")));
    }

    @Test
    void shouldAgreeWithCidrContainsOnRandomBlocksAndAddresses() throws Exception
    {
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        final List<TrunkSources> configs = new ArrayList<>();
        for (int t = 0; t < 20; t++)
        {
            final List<String> blocks = new ArrayList<>();
            for (int b = 0; b < 5; b++)
            {
                // Few distinct first octets, so blocks overlap and lookups hit.
                blocks.add("10." + random.nextInt(4) + "." + random.nextInt(256) + "." + random.nextInt(256) + "/" +
                    (8 + random.nextInt(25)));
                blocks.add("2001:db8:" + Integer.toHexString(random.nextInt(4)) + "::" +
                    Integer.toHexString(random.nextInt(65536)) + "/" + (24 + random.nextInt(105)));
            }
            configs.add(trunk("t" + t, blocks.toArray(new String[0])));
        }
        final SourceTrunks trunks = new SourceTrunks(configs);
        for (int i = 0; i < 20_000; i++)
        {
            final InetAddress address = i % 2 == 0 ?
                ip("10." + random.nextInt(4) + "." + random.nextInt(256) + "." + random.nextInt(256)) :
                ip("2001:db8:" + Integer.toHexString(random.nextInt(4)) + "::" +
                    Integer.toHexString(random.nextInt(65536)));
            assertEquals(linear(configs, address), trunks.trunkOf(address), "seed " + seed + ", " + address);
        }
    }

    /** SourceTrunks reads an IPv4 address through its hashCode to avoid a copy: the JDK must keep it the address. */
    @Test
    void shouldReadIpv4AddressesAsTheirNumber() throws Exception
    {
        for (final String text : List.of("0.0.0.0", "127.0.0.1", "10.200.3.4", "255.255.255.255", "192.0.2.128"))
        {
            final Inet4Address address = (Inet4Address)ip(text);
            assertEquals(SourceTrunks.bits(address.getAddress(), 0) >>> 32, SourceTrunks.ipv4Bits(address), text);
        }
    }

    @Test
    void shouldNotAllocateForAnIpv4Lookup() throws Exception
    {
        final SourceTrunks trunks = new SourceTrunks(List.of(trunk("a", "10.0.0.0/8", "192.0.2.0/24"),
            trunk("b", "127.0.0.0/8", "::1")));
        final InetAddress[] addresses = {ip("10.9.8.7"), ip("127.0.0.3"), ip("198.51.100.1")};
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long threadId = Thread.currentThread().getId();
        long allocated = Long.MAX_VALUE;
        int sum = 0;
        for (int round = 0; round < 5; round++)
        {
            final long before = threads.getThreadAllocatedBytes(threadId);
            for (int i = 0; i < 100_000; i++)
            {
                sum += trunks.trunkOf(addresses[i % addresses.length]);
            }
            allocated = Math.min(allocated, threads.getThreadAllocatedBytes(threadId) - before);
        }
        assertEquals(0, allocated, "bytes allocated by 100,000 lookups (sum " + sum + ")");
    }

    private static int linear(final List<TrunkSources> configs, final InetAddress address)
    {
        for (int i = 0; i < configs.size(); i++)
        {
            for (final Cidr block : configs.get(i).sources())
            {
                if (block.contains(address))
                {
                    return i;
                }
            }
        }
        return SourceTrunks.NO_TRUNK;
    }

    static TrunkSources trunk(final String name, final String... blocks)
    {
        final List<Cidr> sources = new ArrayList<>();
        for (final String block : blocks)
        {
            sources.add(Cidr.parse(block));
        }
        return new TrunkSources(name, sources);
    }

    static InetAddress ip(final String text) throws Exception
    {
        return InetAddress.getByName(text);
    }
}
