import Netplay
