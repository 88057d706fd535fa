using Agent.Testing;
using System.Text.Json;
using Agent.Framing;
using FirmwareSim.Mesh;
using FirmwareSim.OpenWsn;
using Microsoft.Extensions.Time.Testing;
using static FirmwareSim.Tests.TestPackets;

namespace FirmwareSim.Tests;

/// <summary>The DAG root, frame for frame against shared/vectors/openwsn: serial, status, set-root, DAOs, reboot.</summary>
public class OpenWsnMoteStackTests : OpenWsnStackTestBase
{
    [Fact]
    public void Xon_xoff_escaping_gives_the_vector_wire_bytes()
    {
        var vector = OpenWsnVectors.Load("hdlc_xonxoff.json").GetProperty("hdlc_xonxoff_corner_case");
        var hdlc = FrameStreams.Encode(new HdlcEncoder(), vector.Hex("raw_hex"));
        Assert.Equal(vector.Hex("hdlc_frame_hex"), hdlc);
        // The vector's stream starts with a stray XON and ends with an XOFF.
        byte[] stream = [XonXoffEscaper.Xon, .. XonXoffEscaper.Apply(hdlc), XonXoffEscaper.Xoff];
        Assert.Equal(vector.Hex("uart_wire_hex"), stream);
    }

    [Fact]
    public void Every_uart_wire_vector_is_hdlc_then_xon_xoff()
    {
        var cases = 0;
        foreach (var vector in MoteToPcData.Concat(Daos).Concat(Fragmented.SelectMany(f => f.GetProperty("frames").EnumerateArray())))
        {
            Assert.Equal(vector.Hex("uart_wire_hex"), XonXoffEscaper.Apply(FrameStreams.Encode(new HdlcEncoder(), Frame(vector))));
            cases++;
        }
        Assert.Equal(13, cases);
    }

    [Fact]
    public void Serial_echo_answers_as_the_probe_vector()
    {
        var vector = OpenWsnVectors.Load("serial_echo_probe.json").GetProperty("serial_echo_probe");
        var root = Root();
        var reply = Assert.Single(root.Receive(vector.Hex("pc_to_mote_raw_hex")));
        Assert.Equal(vector.Hex("mote_to_pc_raw_hex"), reply);
        Assert.Equal(vector.Hex("mote_to_pc_uart_wire_hex"), XonXoffEscaper.Apply(FrameStreams.Encode(new HdlcEncoder(), reply)));
    }

    [Fact]
    public void Status_frames_cycle_from_id_manager_and_match_the_vectors_before_and_after_R()
    {
        var root = Root();
        var before = PollFor(root, TimeSpan.FromMilliseconds(1300));
        Assert.Equal(13, before.Count);
        Assert.All(before, f => Assert.Equal((byte)'S', f[0]));
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0], before.Select(f => (int)f[3]));
        Assert.Equal(Status[0].Hex("raw_frame_hex"), before[0]);

        Assert.Empty(root.Receive(SetRootToggle));
        var after = PollFor(root, TimeSpan.FromMilliseconds(1300)).Where(f => f[0] == 'S').ToList();
        Assert.Equal(Status[1].Hex("raw_frame_hex"), after.Single(f => f[3] == 1));
        Assert.Equal(Status[2].Hex("raw_frame_hex"), after.Single(f => f[3] == 0));
        Assert.Equal(Status[3].Hex("raw_frame_hex"), after.Single(f => f[3] == 2));
        Assert.Equal(Status[4].Hex("raw_frame_hex"), after.Single(f => f[3] == 4));
        Assert.Equal([1, 21, 2, 4, 5, 15, 31, 2, 40, 40, 2, 5, 2], after.OrderBy(f => f[3]).Select(f => f.Length - 4));
    }

    [Fact]
    public void No_status_prints_none()
    {
        var root = Root(OpenWsnOptions.Default with { Status = false });
        Assert.Empty(PollFor(root, TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public void Input_limits_are_logged_as_the_firmware_does()
    {
        var logs = OpenWsnVectors.Array("log_frames");
        var root = RootedRoot();
        // A D body of 140 bytes: the vector's "input length problem, length=140".
        Assert.Equal(logs[0].Hex("raw_frame_hex"), Assert.Single(root.Receive([(byte)'D', .. new byte[140]])));
        Assert.Equal(Convert.FromHexString("450001114e00070000"), Assert.Single(root.Receive([(byte)'D', .. new byte[7]])));
        Assert.Equal(Convert.FromHexString("450001114e007f0000"), Assert.Single(root.Receive([(byte)'D', .. new byte[127]])));
        // Type + body + FCS must stay at 199 bytes: 197 of payload pass the buffer, 198 overflow it.
        Assert.Equal(Convert.FromHexString("450001044300000000"), Assert.Single(root.Receive(new byte[198])));
        Assert.Equal(Convert.FromHexString("450001024e00190000"), Assert.Single(root.Receive(SetRootYes[..^1])));
        Assert.Equal(Convert.FromHexString("450001044200000000"), Assert.Single(root.Receive([])));
        Assert.Equal(Convert.FromHexString("450001044200000000"), Assert.Single(root.Undecodable(FrameError.BadFcs)));
        Assert.Empty(root.Receive("C\u0001\u0002"u8));
    }

    // ---- R, reboot, DAOs

    [Fact]
    public void R_toggles_or_sets_the_root_and_its_prefix()
    {
        var root = Root();
        Assert.False(root.IsDagRoot);
        Assert.Equal(Convert.FromHexString("fe80000000000000"), root.Prefix.ToArray());
        root.Receive(SetRootToggle);
        Assert.True(root.IsDagRoot);
        Assert.Equal(UpstreamReader.Prefix, root.Prefix.ToArray());
        Assert.Equal(Convert.FromHexString("000102030405060708090a0b0c0d0e0f"), root.Key.ToArray());
        root.Receive(SetRootYes);
        Assert.True(root.IsDagRoot);
        root.Receive(SetRootToggle);
        Assert.False(root.IsDagRoot);
    }

    [Fact]
    public void Daos_from_every_mote_within_one_second_of_R_equal_the_vectors_then_every_dao_period()
    {
        var root = Root(OpenWsnOptions.Default with { Status = false });
        Assert.Empty(PollFor(root, TimeSpan.FromSeconds(10))); // nothing before R
        root.Receive(SetRootYes);

        var first = PollFor(root, TimeSpan.FromSeconds(1));
        Assert.Equal(3, first.Count);
        for (var i = 0; i < 3; i++) Assert.Equal(Frame(Daos[i]), first[i]);

        Assert.Empty(PollFor(root, TimeSpan.FromSeconds(4) - OpenWsnMoteStack.FirstDaoDelay - TimeSpan.FromMilliseconds(40)));
        var second = PollFor(root, TimeSpan.FromSeconds(1));
        Assert.Equal(3, second.Count);
        // The same DAOs with the next DAO and path sequence numbers (and so a new checksum).
        var lowpan = UpstreamReader.Lowpan(second[0]);
        var ipv6 = UpstreamReader.ToIpv6(lowpan, out _);
        Assert.Equal(0, Verify6(ipv6));
        Assert.Equal(6, ipv6[40 + 7]);
        Assert.Equal(Frame(Daos[0])[^40..^21], second[0][^40..^21]);
        Assert.Equal(6, root.DaosSent);
    }

    [Fact]
    public void A_dao_longer_than_85_bytes_is_fragmented_on_request()
    {
        var root = RootedRoot(OpenWsnOptions.Default with { Status = false, FragmentDaos = true });
        var frames = PollFor(root, TimeSpan.FromSeconds(1));
        Assert.Equal(5, frames.Count); // A and B: 89 bytes in two fragments each; C: 69 bytes whole
        Assert.Equal(UpstreamReader.Lowpan(Frame(Daos[0])), UpstreamReader.Reassemble(frames.Take(2).Select(f => UpstreamReader.Lowpan(f))));
        Assert.Equal(Frame(Daos[2]), frames[4]);
    }

    [Fact]
    public void Reboot_logs_booted_and_unroots_until_the_next_R_and_the_motes_keep_their_parents()
    {
        var root = Root(OpenWsnOptions.Default with { RebootAfter = TimeSpan.FromSeconds(3) });
        root.Receive(SetRootYes);
        var before = PollFor(root, TimeSpan.FromSeconds(2.9));
        Assert.Equal(3, before.Count(f => f[0] == 'D'));

        var reboot = PollFor(root, TimeSpan.FromMilliseconds(200));
        Assert.Contains(Convert.FromHexString("550001014f00000000"), reboot);
        Assert.False(root.IsDagRoot);
        var after = PollFor(root, TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(after, f => f[0] == 'D');
        Assert.DoesNotContain(after, f => f[0] == 'U');
        Assert.Equal(Status[0].Hex("raw_frame_hex"), after.First(f => f[0] == 'S' && f[3] == 1));

        // Data for the mesh is refused while not root.
        var ping = Frame(PcToMote[0].GetProperty("frames")[0]);
        Assert.Equal(Convert.FromHexString("450001111f00000000"), Assert.Single(root.Receive(ping)));

        root.Receive(SetRootYes);
        var again = PollFor(root, TimeSpan.FromSeconds(1)).Where(f => f[0] == 'D').ToList();
        Assert.Equal(3, again.Count);
        // Same transit parents; only the sequences (and checksum) moved on.
        for (var i = 0; i < 3; i++) Assert.Equal(Frame(Daos[i])[^16..], again[i][^16..]);
        Assert.Single(root.Receive(ping));
    }

    [Fact]
    public void Q_reboots()
    {
        var root = RootedRoot();
        Assert.Empty(root.Receive("Q"u8));
        Assert.False(root.IsDagRoot);
        Assert.Contains(Convert.FromHexString("550001014f00000000"), root.Poll());
    }

}
