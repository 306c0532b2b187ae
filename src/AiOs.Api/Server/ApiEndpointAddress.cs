namespace AiOs.Api.Server;

/// <summary>Where the API listens once started (<c>http://127.0.0.1:5171</c>), with the port chosen when 0 was asked.</summary>
public sealed class ApiEndpointAddress
{
    /// <summary>The address; null until the server listens.</summary>
    public string? Address { get; internal set; }
}
