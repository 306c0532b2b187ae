using System.Net;
using System.Net.Sockets;

namespace AiOs.Testing;

/// <summary>A loopback TCP forwarder for injecting network faults into real connections (e.g. to PostgreSQL): clients
/// connect to 127.0.0.1:<see cref="Port"/> and are forwarded to the target. <see cref="Cut"/> resets every open
/// connection and stops listening, so that new connections are refused; <see cref="Restore"/> listens again on the same
/// port.</summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly Lock _lock = new();
    private readonly HashSet<Socket> _sockets = [];
    private TcpListener? _listener;
    private bool _disposed;
    private int _accepted;

    public TcpProxy(string targetHost, int targetPort)
    {
        _targetHost = targetHost;
        _targetPort = targetPort;
        _listener = Listen(0);
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptLoopAsync(_listener);
    }

    /// <summary>The loopback port clients connect to.</summary>
    public int Port { get; }

    /// <summary>True between <see cref="Cut"/> and <see cref="Restore"/>.</summary>
    public bool IsCut
    {
        get
        {
            lock (_lock)
            {
                return _listener is null;
            }
        }
    }

    /// <summary>Connections accepted so far (each one is forwarded to the target).</summary>
    public int AcceptedConnections => Volatile.Read(ref _accepted);

    /// <summary>Resets every forwarded connection and refuses new ones until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        List<Socket> sockets;
        lock (_lock)
        {
            _listener?.Stop();
            _listener = null;
            sockets = [.. _sockets];
            _sockets.Clear();
        }

        foreach (var socket in sockets)
        {
            Reset(socket);
        }
    }

    /// <summary>Accepts connections again on the same port.</summary>
    public void Restore()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_listener is not null)
            {
                return;
            }

            _listener = Listen(Port);
            _ = AcceptLoopAsync(_listener);
        }
    }

    public ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            _disposed = true;
        }

        Cut();
        return ValueTask.CompletedTask;
    }

    private static TcpListener Listen(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);

        // Connections reset by Cut leave the port in TIME_WAIT; rebinding it for Restore needs SO_REUSEADDR.
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        return listener;
    }

    private async Task AcceptLoopAsync(TcpListener listener)
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync();
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped by Cut or DisposeAsync
            }

            Interlocked.Increment(ref _accepted);
            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(Socket client)
    {
        var server = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        if (!Track(client) || !Track(server))
        {
            Reset(client);
            Reset(server);
            return;
        }

        try
        {
            await server.ConnectAsync(_targetHost, _targetPort);
            await Task.WhenAny(PumpAsync(client, server), PumpAsync(server, client));
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The target is down or Cut reset the connection; either way both sides are closed below.
        }
        finally
        {
            Untrack(client);
            Untrack(server);
            Reset(client);
            Reset(server);
        }
    }

    private static async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None);
                if (read == 0)
                {
                    return;
                }

                var sent = 0;
                while (sent < read)
                {
                    sent += await to.SendAsync(buffer.AsMemory(sent, read - sent), SocketFlags.None);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }

    private bool Track(Socket socket)
    {
        lock (_lock)
        {
            // A connection accepted just before Cut must not survive it.
            return _listener is not null && _sockets.Add(socket);
        }
    }

    private void Untrack(Socket socket)
    {
        lock (_lock)
        {
            _sockets.Remove(socket);
        }
    }

    /// <summary>Closes with RST rather than FIN, as a failed network or a killed peer would.</summary>
    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }

        socket.Dispose();
    }
}
