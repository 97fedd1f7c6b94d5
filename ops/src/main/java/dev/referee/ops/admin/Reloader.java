package dev.referee.ops.admin;

/** What the admin server asks of the node for {@code POST /reload}. */
public interface Reloader
{
    /** Reads the configuration file again and applies it, or says why not. Any thread; one reload at a time. */
    ReloadResult reload();

    /** The {@code admin-token} in force: a non-loopback client must present it; null: loopback clients only. */
    String adminToken();
}
