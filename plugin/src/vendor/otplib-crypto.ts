/** otplib's node:crypto plugin, its own file: only code checks load node:crypto. */
export { NodeCryptoPlugin } from '@otplib/plugin-crypto-node';
