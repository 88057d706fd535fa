using Agent.Testing;
using System.Diagnostics;
using System.Text.Json;
using static FirmwareSim.Tests.TestPackets;

namespace FirmwareSim.Tests;

/// <summary>
/// firmware-sim --payload openwsn on a real pseudo-terminal, through System.IO.Ports as the agent opens it. Alone in
/// its collection, run after the others: it times DAOs against a one-second bound.
/// </summary>
[Collection(nameof(OpenWsnEndToEndTests))]
public class OpenWsnEndToEndTests
{
    // Generous: starting a process and its first frames can take seconds on a busy machine.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    // The first DAO round comes 0.3 s after R, the next one a --dao-period (5 s) later: this tells the two apart with
    // room for a busy machine.
    private static readonly TimeSpan FirstRoundBound = TimeSpan.FromSeconds(4);
    private static readonly byte[] SetRoot = Convert.FromHexString("5259" + "bbbb000000000000" + "01" + "0102030405060708090a0b0c0d0e0f10");
    private static readonly JsonElement[] DefaultPing = OpenWsnVectors.Array("pc_to_mote_default_ping");

    private static bool IsIdManager(byte[] frame) => frame.Length == 25 && frame[0] == 'S' && frame[3] == 1;

    private static bool IsDao(byte[] frame) =>
        frame.Length > 24 + 22 && frame[0] == 'D' && frame[24] == 0xF1 && frame[24 + 4] == 0x7A && frame[24 + 6] == 58 && frame[24 + 23] == 155;

    [Fact]
    public async Task Status_then_R_brings_every_motes_dao_in_the_first_round_and_a_ping_to_C_is_answered()
    {
        using var mote = new MoteProcess("--payload", "openwsn", "--motes", "4", "--seed", "7");
        var banner = await mote.WaitForLineAsync("mote on /dev/pts/", Timeout);
        Assert.Contains($"(link {mote.Link}), hdlc, openwsn, 115200 baud", banner);
        await mote.WaitForLineAsync("openwsn DAG-root mote 14:15:92:cc:00:00:00:01 with 3 motes", Timeout);

        using var link = new SerialLink(mote.Link, FramingKind.Hdlc, xonXoff: true);
        var before = await link.ReceiveAsync(IsIdManager, Timeout);
        Assert.Equal(Convert.FromHexString("5300010100feca0001141592cc00000001fe80000000000000"), before);

        await link.SendAsync(SetRoot);
        var clock = Stopwatch.StartNew();
        var daos = new List<byte[]>();
        for (var i = 0; i < 3; i++) daos.Add(await link.ReceiveAsync(IsDao, Timeout));
        Assert.True(clock.Elapsed < FirstRoundBound, $"the DAOs took {clock.Elapsed}");
        Assert.Equal(["141592cc00000002", "141592cc00000003", "141592cc00000004"], daos.Select(d => Convert.ToHexStringLower(d, 24 + 7, 8)));
        foreach (var dao in daos) Assert.Equal(0, Verify6(UpstreamReader.ToIpv6(UpstreamReader.Lowpan(dao), out _)));

        var after = await link.ReceiveAsync(IsIdManager, Timeout);
        Assert.Equal(Convert.FromHexString("5300010101feca0001141592cc00000001bbbb000000000000"), after);
        Assert.True(link.XoffCount > 0 && link.XonCount > 0, "no bare XOFF/XON pairs on the line");

        // The default ping6 to C, fragmented by OpenVisualizer; C's 87-byte reply comes back in two fragments.
        foreach (var frame in DefaultPing[1].GetProperty("frames").EnumerateArray()) await link.SendAsync(frame.Hex("raw_frame_hex"));
        var frag1 = await link.ReceiveAsync(f => f.Length > 24 && f[0] == 'D' && (f[24] & 0xF8) == 0xC0, Timeout);
        var fragN = await link.ReceiveAsync(f => f.Length > 24 && f[0] == 'D' && (f[24] & 0xF8) == 0xE0, Timeout);
        var reply = UpstreamReader.ToIpv6(UpstreamReader.Reassemble([UpstreamReader.Lowpan(frag1), UpstreamReader.Lowpan(fragN)]), out _);
        Assert.Equal(0, Verify6(reply));
        Assert.Equal(129, reply[40]);
        Assert.Equal(Convert.FromHexString("bbbb000000000000141592cc00000004"), reply[8..24]);
        Assert.Equal(DefaultPing[1].Hex("ipv6_from_tun_hex")[44..], reply[44..]);

        mote.Terminate();
        Assert.True(mote.Process.WaitForExit(Timeout), mote.Output);
        Assert.Equal(0, mote.Process.ExitCode);
    }

    [Fact]
    public async Task After_reboot_the_root_logs_booted_and_is_no_longer_root_until_R()
    {
        // The reboot comes after the steps before it however slow the machine (it counts from the mote's start).
        using var mote = new MoteProcess("--payload", "openwsn", "--reboot-after", "8", "--no-status", "--dao-period", "60");
        await mote.WaitForLineAsync("mote on /dev/pts/", Timeout);
        using var link = new SerialLink(mote.Link, FramingKind.Hdlc, xonXoff: true);

        // No status frames: the host finds the mote with a serial echo.
        byte[] probe = [(byte)'S', .. "0123456789"u8];
        await link.SendAsync(probe);
        var echo = await link.ReceiveAsync(f => f[0] == 'D' && f.Length == 18, Timeout);
        Assert.Equal(probe[1..], echo[8..]);

        await link.SendAsync(SetRoot);
        await link.ReceiveAsync(IsDao, Timeout);
        await link.ReceiveAsync(f => f.AsSpan().SequenceEqual(Convert.FromHexString("550001014f00000000")), Timeout);
        await mote.WaitForLineAsync("rebooted (--reboot-after 8 s)", Timeout);

        // Data for the mesh is refused with a log until R comes again, and then the DAOs come back.
        await link.SendAsync(DefaultPing[0].GetProperty("frames")[0].Hex("raw_frame_hex"));
        await link.ReceiveAsync(f => f.AsSpan().SequenceEqual(Convert.FromHexString("450001111f00000000")), Timeout);
        await link.SendAsync(SetRoot);
        var clock = Stopwatch.StartNew();
        await link.ReceiveAsync(IsDao, Timeout);
        Assert.True(clock.Elapsed < FirstRoundBound, $"the DAO took {clock.Elapsed}");
    }
}
