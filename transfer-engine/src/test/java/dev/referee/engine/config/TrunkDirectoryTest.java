package dev.referee.engine.config;

import dev.referee.config.Cidr;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertSame;

class TrunkDirectoryTest
{
    private static final TrunkConfig PBX =
        new TrunkConfig("pbx", List.of(Cidr.parse("10.0.0.0/8")), TrunkTransferPolicy.defaults());
    private static final TrunkConfig PBX_HOST =
        new TrunkConfig("pbx-host", List.of(Cidr.parse("10.1.1.1")), TrunkTransferPolicy.defaults());
    private static final TrunkConfig CARRIER =
        new TrunkConfig("carrier", List.of(Cidr.parse("2001:db8::/32")), TrunkTransferPolicy.defaults());

    private final TrunkDirectory directory = new TrunkDirectory(List.of(PBX, PBX_HOST, CARRIER));

    @Test
    void shouldFindTheFirstTrunkWhoseSourcesHoldTheAddress() throws Exception
    {
        assertSame(PBX, directory.trunkOf(InetAddress.getByName("10.1.1.1")), "the first trunk in the file wins");
        assertSame(CARRIER, directory.trunkOf(InetAddress.getByName("2001:db8::7")));
    }

    @Test
    void shouldPutAnAddressInNoTrunkInTheDefaultTrunk() throws Exception
    {
        assertSame(TrunkDirectory.DEFAULT, directory.trunkOf(InetAddress.getByName("192.0.2.1")));
        assertSame(TrunkDirectory.DEFAULT, new TrunkDirectory(List.of()).trunkOf(InetAddress.getByName("10.0.0.1")));
    }
}
