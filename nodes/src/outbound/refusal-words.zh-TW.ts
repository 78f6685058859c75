import type { Translation } from '../sdk/words.ts';
import type { words as en } from './refusal-words.en.ts';

export const words: Translation<typeof en> = {
  loopback: 'Junction 不會連線到 {{target}}：這是本伺服器自己（loopback），工作流程不能連過去。如果確實需要連線，請管理員把 {{entry}} 加進設定 JUNCTION_OUTBOUND_ALLOW。',
  unspecified: 'Junction 不會連線到 {{target}}：這是「任意位址」（0.0.0.0 或 ::），實際上會連到本伺服器自己。請改填要呼叫的系統的位址。',
  linkLocal:
    'Junction 不會連線到 {{target}}：這是鏈路本地（link-local）位址，雲端伺服器會在這裡提供自己的憑證（中繼資料服務）。如果確實需要連線，請管理員把 {{entry}} 加進設定 JUNCTION_OUTBOUND_ALLOW。',
  private:
    'Junction 不會連線到 {{target}}：這是私有網路的位址（10.x、172.16–31.x、192.168.x），位在公司內部網路。如果工作流程需要連到這個系統（例如辦公室網路裡的 ERP），請管理員把 {{entry}} 加進設定 JUNCTION_OUTBOUND_ALLOW。',
  sharedAddress: 'Junction 不會連線到 {{target}}：這是網路業者內部網路的位址（100.64.0.0/10）。如果確實需要連線，請管理員把 {{entry}} 加進設定 JUNCTION_OUTBOUND_ALLOW。',
  uniqueLocal: 'Junction 不會連線到 {{target}}：這是私有 IPv6 網路的位址（fc00::/7），位在公司內部網路。如果工作流程需要連到這個系統，請管理員把 {{entry}} 加進設定 JUNCTION_OUTBOUND_ALLOW。',
  reserved: 'Junction 不會連線到 {{target}}：這是保留或多點傳送（multicast）位址，不會有系統在這裡回應。如果確實需要連線，請管理員把 {{entry}} 加進設定 JUNCTION_OUTBOUND_ALLOW。',
  denied: 'Junction 不會連線到 {{target}}：設定 JUNCTION_OUTBOUND_DENY 拒絕了它（{{rule}}）。管理員可以修改這項設定。',
  localSocket: 'Junction 不會連線到本機 socket {{target}}：只能連到有網路位址的系統。請改填該系統的主機名稱或位址。',
  redirected: '{{from}} 把請求轉址到 {{to}}，而 {{refusal}}',
};
