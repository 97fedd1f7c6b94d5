package dev.referee.ops.demo;

import java.io.IOException;
import java.net.InetSocketAddress;

/** The demo's four phones: alice, bob and carol answer their calls, dave is always busy (486 after
 * ringing 300 ms). */
final class Phones implements AutoCloseable
{
    final DemoPhone alice;
    final DemoPhone bob;
    final DemoPhone carol;
    final DemoPhone dave;

    private Phones(final DemoPhone alice, final DemoPhone bob, final DemoPhone carol, final DemoPhone dave)
    {
        this.alice = alice;
        this.bob = bob;
        this.carol = carol;
        this.dave = dave;
    }

    static Phones open() throws IOException
    {
        return new Phones(new DemoPhone("alice"), new DemoPhone("bob"), new DemoPhone("carol"),
            new DemoPhone("dave").answering(486, 300));
    }

    void start(final InetSocketAddress referee)
    {
        alice.start(referee);
        bob.start(referee);
        carol.start(referee);
        dave.start(referee);
    }

    @Override
    public void close() throws IOException
    {
        alice.close();
        bob.close();
        carol.close();
        dave.close();
    }
}
