namespace AiOs.Dashboard;

/// <summary>Settings of the dashboard (section <c>AiOs:Dashboard</c>).</summary>
public sealed class DashboardOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "AiOs:Dashboard";

    /// <summary>Whether the silo serves the dashboard at <c>/dashboard</c>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long a login lasts; after it the operator logs in again.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Lets a browser log in over plain HTTP from another machine, sending the API key in clear. Off by default:
    /// without TLS the dashboard takes logins only on loopback (which includes <c>kubectl port-forward</c> and an SSH
    /// tunnel). Turn it on only behind something that encrypts the traffic otherwise (a TLS-terminating proxy or mesh).</summary>
    public bool AllowInsecureRemote { get; set; }

    /// <summary>How long the dashboard waits for another silo's numbers before showing it as not answering.</summary>
    public TimeSpan PeerTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
