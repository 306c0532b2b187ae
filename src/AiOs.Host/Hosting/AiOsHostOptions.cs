namespace AiOs.Host.Hosting;

/// <summary>Settings of the service itself (section <c>AiOs</c>); the silo and storage have their own sections.</summary>
public sealed class AiOsHostOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "AiOs";

    /// <summary>Where the service keeps its files: the SQLite database, generated keys. Created on first run.</summary>
    public string DataDirectory { get; set; } = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "aios");

    /// <summary>The storage provider: <c>sqlite</c> (embedded, one silo) or <c>postgresql</c> (production and clusters).</summary>
    public string Storage { get; set; } = "sqlite";

    /// <summary>The HTTP endpoint (health probes and the dashboard).</summary>
    public HttpEndpointOptions Http { get; set; } = new();
}

/// <summary>Where the service listens.</summary>
public sealed class HttpEndpointOptions
{
    /// <summary>IP address to listen on. Loopback by default: nothing is reachable from other machines unless asked.</summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>TCP port; 0 picks a free one (the banner prints which).</summary>
    public int Port { get; set; } = 5170;
}
