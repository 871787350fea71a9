namespace VulnPlatform.ServiceDefaults.Messaging;

public sealed class RabbitMqOptions
{
    public const string Section = "RabbitMq";

    public string Host { get; set; } = "127.0.0.1";
    public ushort Port { get; set; } = 56720;
    public string VirtualHost { get; set; } = "/";
    public string Username { get; set; } = "guest";
    public string Password { get; set; } = "guest";

    /// <summary>
    /// Consumer queues (and their _error and _skipped queues) as quorum queues, replicated over the
    /// cluster's nodes so a node's loss loses no message. On by default, locally too (one node).
    /// </summary>
    public bool QuorumQueues { get; set; } = true;
}
