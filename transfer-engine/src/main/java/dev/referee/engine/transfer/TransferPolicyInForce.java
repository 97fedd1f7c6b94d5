package dev.referee.engine.transfer;

import dev.referee.engine.call.B2bua;
import dev.referee.engine.config.EngineConfig;

/**
 * The {@link TransferPolicy} of the configuration in force: made again, on first use, after a reload replaced the
 * trunks (the policy keeps matchers per trunk, so it is not made per REFER). Engine thread only.
 */
final class TransferPolicyInForce
{
    private final B2bua b2bua;
    private EngineConfig madeFor;
    private TransferPolicy policy;

    TransferPolicyInForce(final B2bua b2bua)
    {
        this.b2bua = b2bua;
    }

    TransferPolicy get()
    {
        final EngineConfig config = b2bua.config();
        if (config != madeFor)
        {
            policy = new TransferPolicy(config.trunks(), b2bua.trunks());
            madeFor = config;
        }
        return policy;
    }
}
