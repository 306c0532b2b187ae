namespace AiOs.Api;

/// <summary>Settings of the gRPC API endpoint (section <c>AiOs:Api</c>).</summary>
public sealed class ApiServerOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "AiOs:Api";

    /// <summary>Whether the silo serves the API at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>IP address to listen on. Loopback by default; any other address needs TLS
    /// (<see cref="CertificatePath"/>) or <see cref="AllowInsecureRemote"/>.</summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>TCP port; 0 picks a free one.</summary>
    public int Port { get; set; } = 5171;

    /// <summary>A certificate file for TLS: PKCS#12 (<c>.pfx</c>/<c>.p12</c>) or PEM (with <see cref="CertificateKeyPath"/>
    /// unless the key is in the same file). Cleartext HTTP/2 when unset.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key of <see cref="CertificatePath"/>, when it is in a file of its own.</summary>
    public string? CertificateKeyPath { get; set; }

    /// <summary>Password of the certificate file. Secret: never logged.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>Lets the API listen on a non-loopback address without TLS, sending keys in clear. Off by default; only
    /// for networks that are protected otherwise (a service mesh that terminates TLS).</summary>
    public bool AllowInsecureRemote { get; set; }

    /// <summary>The largest message received or sent; larger ones end the call with RESOURCE_EXHAUSTED.</summary>
    public int MaxMessageSize { get; set; } = Grpc.GrpcProtocol.DefaultMaxMessageSize;

    /// <summary>How long a silo trusts its cached copy of a key: a key revoked on another silo stops working here within
    /// this time (at once on the silo that revoked it).</summary>
    public TimeSpan KeyRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Where the first start writes the operator key (<c>operator.key</c>); the host sets it to
    /// <c>AiOs:DataDirectory</c>.</summary>
    public string DataDirectory { get; set; } = "";

    /// <summary>Whether the first start generates, prints and writes an operator key.</summary>
    public bool GenerateInitialKey { get; set; } = true;
}
