namespace AiOs.Cluster.Configuration;

/// <summary>How a silo takes part in a cluster. Section <c>AiOs:Cluster</c>.</summary>
public sealed class ClusterOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "AiOs:Cluster";

    /// <summary><b>Secret.</b> Shared by every silo; a peer that does not present it is refused. When unset, the silo uses
    /// the secret stored in the database when the cluster was created (generated then). Never logged.</summary>
    public string? Secret { get; set; }

    /// <summary>IP address the silo-to-silo endpoint listens on.</summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>Port of the silo-to-silo endpoint (HTTP/2 only).</summary>
    public int Port { get; set; } = 5172;

    /// <summary>Host name or address other silos use to reach this one (in Kubernetes, the pod IP).</summary>
    public string AdvertisedHost { get; set; } = "127.0.0.1";

    /// <summary>How often the silo records that it is alive, and looks for silos that are not.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A silo not heard from for this long (by the database's clock) is declared dead.</summary>
    public TimeSpan DeathTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a partition lease lasts without renewal: after a crash, the time until others take over.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>How often leases are renewed, free ones taken and surplus ones handed back.</summary>
    public TimeSpan LeaseRenewInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How much earlier than the database a silo considers its lease lapsed, covering clock-rate differences
    /// and the time between starting a renewal and the database granting it. Must be less than the lease duration.</summary>
    public TimeSpan LeaseSafetyMargin { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Bound on a graceful hand-off at shutdown (finishing running calls and releasing the leases).</summary>
    public TimeSpan HandOffTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The address other silos use to reach this one.</summary>
    public string AdvertisedAddress => $"{AdvertisedHost}:{Port}";
}
