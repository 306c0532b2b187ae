using System.Net;
using System.Net.Sockets;

namespace AiOs.Testing;

/// <summary>Loopback TCP ports for the servers tests start, and for addresses where nothing may listen.</summary>
public static class LoopbackPorts
{
    /// <summary>A port that nothing listens on at the moment of the call: the system picks it and it is released again.
    /// Another process could take it before the caller binds it; tests accept that rare race for the simplicity.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
