# An ordinary Perl client: IO::Socket::INET, then a blocking sysread for a reply.
# Exit 1 with the error when the connection fails, 2 if the peer ever answers or closes.
use strict;
use warnings;
use IO::Socket::INET;

my ($host, $port) = @ARGV;
my $socket = IO::Socket::INET->new(PeerAddr => $host, PeerPort => $port, Proto => 'tcp')
    or do { print STDERR "connect: $@\n"; exit 1 };
my $read = sysread($socket, my $reply, 1);
if (!defined $read) {
    print STDERR "sysread: $!\n";
    exit 1;
}
print STDERR "sysread returned $read byte(s)\n";
exit 2;
