using Microsoft.Extensions.Logging;

namespace AiOs.Cluster;

/// <summary>The cluster's log messages, source-generated, with stable event ids (3000-3999). No message carries the
/// cluster secret.</summary>
internal static partial class Log
{
    [LoggerMessage(3000, LogLevel.Information, "Silo {SiloId} joined the cluster at {Address} ({Partitions} partitions)")]
    public static partial void Joined(ILogger logger, string siloId, string address, int partitions);

    [LoggerMessage(3001, LogLevel.Information, "Silo {SiloId} is {Status}")]
    public static partial void StatusChanged(ILogger logger, string siloId, string status);

    [LoggerMessage(3002, LogLevel.Warning, "Silo {SiloId} declared silo {DeadSiloId} dead: no heartbeat for {Timeout}")]
    public static partial void DeclaredDead(ILogger logger, string siloId, string deadSiloId, TimeSpan timeout);

    [LoggerMessage(3003, LogLevel.Critical, "Silo {SiloId} was declared dead by the cluster; it stops serving and exits")]
    public static partial void SelfDeclaredDead(ILogger logger, string siloId);

    [LoggerMessage(3004, LogLevel.Warning, "The membership table could not be reached: {Reason}")]
    public static partial void MembershipUnreachable(ILogger logger, string reason);

    [LoggerMessage(3010, LogLevel.Information, "Silo {SiloId} acquired {Count} partitions (now {Owned})")]
    public static partial void PartitionsAcquired(ILogger logger, string siloId, int count, int owned);

    [LoggerMessage(3011, LogLevel.Information, "Silo {SiloId} handed {Count} partitions back (now {Owned})")]
    public static partial void PartitionsReleased(ILogger logger, string siloId, int count, int owned);

    [LoggerMessage(3012, LogLevel.Warning, "Silo {SiloId} lost {Count} partitions: their leases lapsed or were taken over")]
    public static partial void PartitionsLost(ILogger logger, string siloId, int count);

    [LoggerMessage(3013, LogLevel.Warning, "The lease table could not be reached: {Reason}")]
    public static partial void LeasesUnreachable(ILogger logger, string reason);

    [LoggerMessage(3014, LogLevel.Warning, "The graceful hand-off did not finish (limit {Timeout}): {Reason}; the remaining leases lapse on their own")]
    public static partial void HandOffIncomplete(ILogger logger, TimeSpan timeout, string reason);

    [LoggerMessage(3020, LogLevel.Warning, "The connection to the silo at {Address} was lost: {Reason}")]
    public static partial void ConnectionLost(ILogger logger, string address, string reason);

    [LoggerMessage(3021, LogLevel.Warning, "Refused a silo-to-silo stream from {RemoteAddress} (silo '{Silo}'): wrong or missing cluster secret")]
    public static partial void PeerRefused(ILogger logger, string remoteAddress, string silo);

    [LoggerMessage(3022, LogLevel.Debug, "The stream from silo '{Silo}' ended: {Reason}")]
    public static partial void StreamEnded(ILogger logger, string silo, string reason);
}
