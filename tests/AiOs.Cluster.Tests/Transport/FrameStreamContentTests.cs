using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using AiOs.Cluster.Transport;

namespace AiOs.Cluster.Tests.Transport;

/// <summary>Which calls of a silo-to-silo stream may have reached the peer: the set that decides, when a stream breaks,
/// between "route it again" (it never ran) and "outcome unknown".</summary>
public sealed class FrameStreamContentTests
{
    [Fact]
    public async Task AWrittenFrame_MayHaveReachedThePeer_UntilAnsweredOrTheStreamEndsNormally()
    {
        var frames = Channel.CreateUnbounded<OutgoingFrame>();
        var content = new FrameStreamContent(frames.Reader);
        frames.Writer.TryWrite(new OutgoingFrame(1, [1, 2, 3]));
        frames.Writer.TryWrite(new OutgoingFrame(2, [4, 5]));
        frames.Writer.TryWrite(new OutgoingFrame(3, [6]));
        frames.Writer.Complete();

        using var sink = new MemoryStream();
        content.Accepted();
        await content.CopyToAsync(sink, TestContext.Current.CancellationToken);

        Assert.Equal([1, 2, 3, 4, 5, 6], sink.ToArray());
        Assert.True(content.MayHaveReachedPeer(1));
        Assert.True(content.MayHaveReachedPeer(2));
        Assert.False(content.MayHaveReachedPeer(4)); // never queued

        content.Answered(1);
        Assert.False(content.MayHaveReachedPeer(1));
        Assert.True(content.MayHaveReachedPeer(3));

        content.End(peerEndedNormally: true);
        Assert.False(content.MayHaveReachedPeer(2));
        Assert.False(content.MayHaveReachedPeer(3));
    }

    [Fact]
    public async Task NoFrameIsWritten_BeforeThePeerAcceptsTheStream()
    {
        var frames = Channel.CreateUnbounded<OutgoingFrame>();
        var content = new FrameStreamContent(frames.Reader);
        frames.Writer.TryWrite(new OutgoingFrame(1, [1, 2, 3]));
        using var sink = new MemoryStream();
        var writing = content.CopyToAsync(sink, TestContext.Current.CancellationToken);

        // Everything before the wait for the answer completes synchronously on a MemoryStream, so the writer is now
        // parked on that wait: nothing written, the frame still queued.
        Assert.False(writing.IsCompleted);
        Assert.Equal(0, sink.Length);
        Assert.False(content.MayHaveReachedPeer(1));

        content.Accepted();
        frames.Writer.Complete();
        await writing.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal([1, 2, 3], sink.ToArray());
        Assert.True(content.MayHaveReachedPeer(1));
    }

    /// <summary>The stream's body keeps writing for a moment after the peer has ended the stream. A frame it took after
    /// the end would count as possibly run, though the peer can no longer read it: the end stops the taking.</summary>
    [Fact]
    public async Task AfterTheStreamEnds_NoFrameIsTaken_SoNoneCountsAsPossiblyRun()
    {
        var frames = Channel.CreateUnbounded<OutgoingFrame>();
        var content = new FrameStreamContent(frames.Reader);
        frames.Writer.TryWrite(new OutgoingFrame(1, [1]));
        frames.Writer.TryWrite(new OutgoingFrame(2, [2]));
        await using var sink = new HeldStream();
        content.Accepted();
        var writing = content.CopyToAsync(sink, TestContext.Current.CancellationToken);
        await sink.FirstWrite.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken); // call 1 is being written

        content.End(peerEndedNormally: true);
        sink.Release();
        frames.Writer.Complete();
        await writing.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.False(content.MayHaveReachedPeer(1));
        Assert.False(content.MayHaveReachedPeer(2));
        Assert.True(frames.Reader.TryRead(out var left) && left.CallId == 2, "call 2 is still queued, to be routed again");
    }

    [Fact]
    public async Task AStreamThatBroke_KeepsItsWrittenCallsAsPossiblyRun_AndTakesNoMore()
    {
        var frames = Channel.CreateUnbounded<OutgoingFrame>();
        var content = new FrameStreamContent(frames.Reader);
        frames.Writer.TryWrite(new OutgoingFrame(1, [1]));
        frames.Writer.TryWrite(new OutgoingFrame(2, [2]));
        await using var sink = new HeldStream();
        content.Accepted();
        var writing = content.CopyToAsync(sink, TestContext.Current.CancellationToken);
        await sink.FirstWrite.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        content.End(peerEndedNormally: false);
        sink.Release();
        frames.Writer.Complete();
        await writing.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.True(content.MayHaveReachedPeer(1));
        Assert.False(content.MayHaveReachedPeer(2));
    }

    /// <summary>A stream whose first write waits until released.</summary>
    private sealed class HeldStream : MemoryStream
    {
        private readonly TaskCompletionSource _firstWrite = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task FirstWrite => _firstWrite.Task;

        public void Release() => _released.TrySetResult();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _firstWrite.TrySetResult();
            await _released.Task.WaitAsync(cancellationToken);
            await base.WriteAsync(buffer, cancellationToken);
        }
    }

    /// <summary>A peer whose web server is shutting down answers a new stream with GOAWAY naming an earlier stream id:
    /// the stream was not processed. The HTTP client then fails the request or sends it again on a new connection
    /// (serializing this content a second time). Either way no call may have been taken off the queue, so that each one
    /// is routed again instead of being lost or reported as possibly run.</summary>
    [Fact]
    public async Task AStreamThePeerRefusedUnread_TakesNoCall()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var peer = new RefusingHttp2Peer();
        var frames = Channel.CreateUnbounded<OutgoingFrame>();
        var content = new FrameStreamContent(frames.Reader);
        frames.Writer.TryWrite(new OutgoingFrame(1, [10, 11, 12]));
        frames.Writer.TryWrite(new OutgoingFrame(2, [13, 14]));

        using var http = new HttpMessageInvoker(new SocketsHttpHandler());
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{peer.Port}/")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };

        await Assert.ThrowsAnyAsync<Exception>(() => http.SendAsync(request, cancellation).WaitAsync(TimeSpan.FromSeconds(30), cancellation));

        Assert.True(peer.Refused >= 1, "the peer refused the stream");
        Assert.False(content.MayHaveReachedPeer(1));
        Assert.False(content.MayHaveReachedPeer(2));
        Assert.True(frames.Reader.TryRead(out var first) && first.CallId == 1, "call 1 is still queued");
        Assert.True(frames.Reader.TryRead(out var second) && second.CallId == 2, "call 2 is still queued");
    }

    /// <summary>A cleartext HTTP/2 peer that refuses every stream, on every connection, with GOAWAY (last stream id 0, as
    /// a web server does when it stops) and closes the connection.</summary>
    private sealed class RefusingHttp2Peer : IAsyncDisposable
    {
        private const byte Headers = 0x1, Settings = 0x4, GoAway = 0x7;
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _serving;
        private int _refused;

        public RefusingHttp2Peer()
        {
            _listener.Start();
            _serving = ServeAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public int Refused => Volatile.Read(ref _refused);

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _serving.ContinueWith(_ => { }, TaskScheduler.Default);
            _stop.Dispose();
        }

        private async Task ServeAsync()
        {
            var connections = new List<Task>();
            try
            {
                while (true)
                {
                    var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    connections.Add(ServeConnectionAsync(client)); // the client retries on a new connection meanwhile
                }
            }
            finally
            {
                await Task.WhenAll(connections);
            }
        }

        private async Task ServeConnectionAsync(TcpClient client)
        {
            using (client)
            {
                try
                {
                    await RefuseAsync(client.GetStream());
                }
                catch (Exception exception) when (exception is IOException or EndOfStreamException or OperationCanceledException)
                {
                    // The client went away.
                }
            }
        }

        private async Task RefuseAsync(NetworkStream stream)
        {
            var preface = new byte[24];
            await stream.ReadExactlyAsync(preface, _stop.Token);
            await WriteFrameAsync(stream, Settings, flags: 0, [], _stop.Token);
            var header = new byte[9];
            while (true)
            {
                await stream.ReadExactlyAsync(header, _stop.Token);
                var length = (header[0] << 16) | (header[1] << 8) | header[2];
                var payload = new byte[length];
                await stream.ReadExactlyAsync(payload, _stop.Token);
                if (header[3] == Settings && (header[4] & 0x1) == 0)
                {
                    await WriteFrameAsync(stream, Settings, flags: 0x1, [], _stop.Token);
                }
                else if (header[3] == Headers)
                {
                    // As a stopping web server does: no stream of this connection was processed, and the connection ends.
                    var goAway = new byte[8]; // last stream id 0, NO_ERROR
                    await WriteFrameAsync(stream, GoAway, flags: 0, goAway, _stop.Token);
                    await stream.FlushAsync(_stop.Token);
                    Interlocked.Increment(ref _refused);
                    return;
                }
            }
        }

        private static async Task WriteFrameAsync(NetworkStream stream, byte type, byte flags, byte[] payload, CancellationToken cancellationToken)
        {
            var frame = new byte[9 + payload.Length];
            frame[0] = (byte)(payload.Length >> 16);
            frame[1] = (byte)(payload.Length >> 8);
            frame[2] = (byte)payload.Length;
            frame[3] = type;
            frame[4] = flags;
            BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(5), 0);
            payload.CopyTo(frame, 9);
            await stream.WriteAsync(frame, cancellationToken);
        }
    }
}
