using System.Net;
using System.Net.Sockets;

namespace TokenValidation.Testing;

/// <summary>Picks loopback TCP ports for servers started by tests.</summary>
public static class LoopbackPorts
{
    /// <summary>
    /// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, read back, released). Another process
    /// could take it before you bind it; servers that can, should bind port 0 themselves.
    /// </summary>
    public static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <summary>Async form of <see cref="FreeTcpPort"/>.</summary>
    public static Task<int> GetUnusedPortAsync() => Task.FromResult(FreeTcpPort());

    /// <summary>
    /// A loopback port with nothing listening: connecting to it fails at once with "connection refused"
    /// (ECONNREFUSED), which is what a down AuthKit or Redis looks like.
    /// </summary>
    public static int RefusingPort() => FreeTcpPort();

    /// <summary><c>http://127.0.0.1:{port}</c> (no trailing slash) for a port nothing listens on.</summary>
    public static string RefusingAuthority() => $"http://127.0.0.1:{RefusingPort()}";
}
